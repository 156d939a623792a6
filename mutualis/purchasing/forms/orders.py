"""Forms of the ordering area: catalogue filters, basket, order references, transitions, order list filters."""

from typing import Any

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from mutualis.core.collation import french
from mutualis.core.forms import AmountField
from mutualis.members.models import Member, Site
from mutualis.purchasing.choices import ItemCategory, OrderStatus
from mutualis.purchasing.models import FrameworkAgreement, Lot, Order, Supplier
from mutualis.territory.models import Departement


class CatalogueFilterForm(forms.Form):
    """Search and filters of the members' catalogue."""

    q = forms.CharField(label=_("Mot-clé"), required=False, max_length=100, help_text=_("Désignation ou référence"))
    agreement = forms.ModelChoiceField(
        label=_("Accord-cadre"), queryset=FrameworkAgreement.objects.none(), required=False, empty_label=_("Tous")
    )
    lot = forms.ModelChoiceField(label=_("Lot"), queryset=Lot.objects.none(), required=False, empty_label=_("Tous"))
    category = forms.ChoiceField(
        label=_("Catégorie"), required=False, choices=[("", _("Toutes")), *ItemCategory.choices]
    )
    min_price = AmountField(label=_("Prix HT minimum (€)"), required=False, min_value=0, decimal_places=2)
    max_price = AmountField(label=_("Prix HT maximum (€)"), required=False, min_value=0, decimal_places=2)

    def __init__(self, *args: Any, lots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots
        self.fields["agreement"].queryset = FrameworkAgreement.objects.filter(
            pk__in=lots.values("agreement_id")
        ).order_by("reference")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", _("Le prix maximum doit être supérieur au prix minimum."))
        return data


class BasketAddForm(forms.Form):
    """Add a quantity of an item to the basket of one of the user's members."""

    member = forms.ModelChoiceField(label=_("Pour l'adhérent"), queryset=Member.objects.none(), empty_label=None)
    quantity = forms.IntegerField(label=_("Quantité"), min_value=1, max_value=100000, initial=1)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["quantity"].error_messages["min_value"] = _("La quantité doit être d'au moins 1.")


class LineQuantityForm(forms.Form):
    """The new quantity of a basket line."""

    quantity = forms.IntegerField(label=_("Quantité"), min_value=1, max_value=100000)


class HolderChoiceField(forms.ModelChoiceField):
    """The lot's holders, in rank order, each shown with its rank."""

    def label_from_instance(self, obj: Any) -> str:
        return _("%(rank)s. %(name)s") % {"rank": obj.holder_rank, "name": obj.name}


class OrderUpdateForm(forms.ModelForm):
    """Holder (when the lot has several), delivery site and references of a draft order."""

    class Meta:
        model = Order
        fields = ["supplier", "site", "internal_reference", "ej_number", "service_code", "note"]
        field_classes = {"supplier": HolderChoiceField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        holders = (
            Supplier.objects.filter(lot_holdings__lot_id=self.instance.lot_id)
            .annotate(holder_rank=F("lot_holdings__rank"))
            .order_by("holder_rank", french("name"))
        )
        if len(holders) > 1:
            self.fields["supplier"].queryset = holders
            self.fields["supplier"].label = _("Titulaire")
            self.fields["supplier"].empty_label = None
            self.fields["supplier"].help_text = _(
                "Le lot a plusieurs titulaires, classés. Commandez au premier ; un autre seulement s'il ne peut pas "
                "exécuter la commande, en indiquant pourquoi dans le commentaire."
            )
        else:
            del self.fields["supplier"]
        self.fields["site"].queryset = Site.objects.filter(member=self.instance.member, is_active=True).order_by(
            french("name"), "pk"
        )
        self.fields["site"].required = True
        self.fields["site"].error_messages["required"] = _("Choisissez le site de livraison.")


class TransitionForm(forms.Form):
    """A status change asked from an order page (the reason is required to reject or cancel)."""

    to_status = forms.ChoiceField(label=_("Nouveau statut"), choices=OrderStatus.choices)
    reason = forms.CharField(
        label=_("Motif"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OrderFilterForm(forms.Form):
    """Filters of the members' order list."""

    status = forms.ChoiceField(label=_("Statut"), required=False, choices=[("", _("Tous")), *OrderStatus.choices])
    number = forms.CharField(label=_("Numéro"), required=False, max_length=30)
    ej = forms.CharField(label=_("Numéro EJ"), required=False, max_length=30)
    lot = forms.ModelChoiceField(label=_("Lot"), queryset=Lot.objects.none(), required=False, empty_label=_("Tous"))
    date_from = forms.DateField(
        label=_("Créée à partir du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("Créée jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = Lot.objects.select_related("agreement").order_by("agreement__reference", "number")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("La date de fin doit suivre la date de début."))
        return data


class BackofficeOrderFilterForm(OrderFilterForm):
    """Filters of the operator's validation queue."""

    member = forms.ModelChoiceField(
        label=_("Adhérent"),
        queryset=Member.objects.order_by(french("name"), "pk"),
        required=False,
        empty_label=_("Tous"),
    )
    departement = forms.ModelChoiceField(
        label=_("Département"),
        queryset=Departement.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Tous"),
    )
    agreement = forms.ModelChoiceField(
        label=_("Accord-cadre"),
        queryset=FrameworkAgreement.objects.order_by("reference"),
        required=False,
        empty_label=_("Tous"),
    )
