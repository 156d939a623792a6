"""Forms of the agreements back-office. They check the shape of the input; the services hold the rules."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mutualis.core.collation import french
from mutualis.core.forms import DATE_WIDGET
from mutualis.members.choices import MemberKind
from mutualis.purchasing.choices import AgreementStatus, ItemCategory, Procedure
from mutualis.purchasing.models import CatalogueItem, FrameworkAgreement, Lot, Supplier

MONEY = {"max_digits": 14, "decimal_places": 2}
UNIT_PRICE = {"max_digits": 14, "decimal_places": 4}


class SupplierForm(forms.Form):
    """A supplier's identity, order contact details and bank account."""

    name = forms.CharField(label=_("Raison sociale"), max_length=200)
    siret = forms.CharField(label=_("SIRET"), max_length=20, help_text=_("14 chiffres."))
    address = forms.CharField(label=_("Adresse"), max_length=255, required=False)
    email = forms.EmailField(label=_("Courriel des commandes"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=20, required=False)
    iban = forms.CharField(label=_("IBAN"), max_length=42, required=False)
    bic = forms.CharField(label=_("BIC"), max_length=11, required=False)

    @classmethod
    def initial_for(cls, supplier: Supplier) -> dict[str, Any]:
        return {name: getattr(supplier, name) for name in cls.base_fields}


class SupplierContactForm(forms.Form):
    """A contact person at a supplier."""

    name = forms.CharField(label=_("Nom"), max_length=200)
    role = forms.CharField(label=_("Fonction"), max_length=100, required=False)
    email = forms.EmailField(label=_("Courriel"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=20, required=False)


class SupplierFilterForm(forms.Form):
    """Search suppliers by name or SIRET."""

    q = forms.CharField(label=_("Nom ou SIRET"), required=False)


class AgreementForm(forms.Form):
    """A framework agreement's description."""

    reference = forms.CharField(
        label=_("Référence"), max_length=50, help_text=_("16 caractères au plus pour la publication DECP.")
    )
    subject = forms.CharField(label=_("Objet"), max_length=255)
    cpv_code = forms.CharField(label=_("Code CPV"), max_length=10, help_text=_("Par ex. 30213200-7."))
    procedure = forms.ChoiceField(label=_("Procédure"), choices=Procedure.choices)
    notification_date = forms.DateField(label=_("Date de notification"), widget=DATE_WIDGET)
    start_date = forms.DateField(label=_("Date de début d'exécution"), widget=DATE_WIDGET)
    duration_months = forms.IntegerField(
        label=_("Durée (mois)"), min_value=1, help_text=_("48 mois au plus (article L2125-1 du CCP).")
    )
    allowed_member_kinds = forms.MultipleChoiceField(
        label=_("Natures d'adhérents autorisées"),
        choices=MemberKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : tous les adhérents peuvent commander."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    # No server-side minimum here: the service says why in French (at least one, not fewer than the holders).
    offers_received = forms.IntegerField(
        label=_("Nombre d'offres reçues"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text=_("Publié dans les données essentielles (DECP) ; pas moins que le nombre de titulaires."),
    )

    @classmethod
    def initial_for(cls, agreement: FrameworkAgreement) -> dict[str, Any]:
        return {name: getattr(agreement, name) for name in cls.base_fields}


class AgreementFilterForm(forms.Form):
    """Filters of the agreement list."""

    q = forms.CharField(label=_("Mot-clé"), required=False)
    status = forms.ChoiceField(label=_("Statut"), choices=[("", _("Tous"))] + AgreementStatus.choices, required=False)
    cpv = forms.CharField(label=_("Code CPV (début)"), max_length=10, required=False)


class AgreementEndForm(forms.Form):
    """Why an agreement ends."""

    reason = forms.CharField(label=_("Motif"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class LotForm(forms.Form):
    """A lot: number, title, amounts HT, holders."""

    number = forms.IntegerField(label=_("Numéro de lot"), min_value=1)
    title = forms.CharField(label=_("Intitulé"), max_length=255)
    max_amount_ht = forms.DecimalField(label=_("Montant maximum HT (€)"), **MONEY)
    min_amount_ht = forms.DecimalField(label=_("Montant minimum HT (€)"), required=False, **MONEY)
    holders = forms.ModelMultipleChoiceField(
        label=_("Titulaires"),
        queryset=Supplier.objects.order_by(french("name"), "pk"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Rangés dans l'ordre de la liste."),
    )

    @classmethod
    def initial_for(cls, lot: Lot) -> dict[str, Any]:
        return {
            "number": lot.number,
            "title": lot.title,
            "max_amount_ht": lot.max_amount_ht,
            "min_amount_ht": lot.min_amount_ht,
            "holders": [holder.supplier_id for holder in lot.lot_holders.all()],
        }


class ItemForm(forms.Form):
    """A line of a lot's BPU."""

    reference = forms.CharField(label=_("Référence"), max_length=50)
    label = forms.CharField(label=_("Désignation"), max_length=255)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    category = forms.ChoiceField(label=_("Catégorie"), choices=ItemCategory.choices)
    unit = forms.CharField(label=_("Unité"), max_length=30, initial="unité")
    unit_price_ht = forms.DecimalField(label=_("Prix unitaire HT (€)"), min_value=0, **UNIT_PRICE)
    vat_rate = forms.DecimalField(label=_("Taux de TVA (%)"), max_digits=5, decimal_places=2, initial=20)
    list_price_ht = forms.DecimalField(label=_("Prix public HT (€)"), required=False, min_value=0, **UNIT_PRICE)
    serialized = forms.BooleanField(label=_("Suivi par numéro de série"), required=False, initial=True)
    warranty_months = forms.IntegerField(label=_("Garantie (mois)"), min_value=0, initial=24)
    is_active = forms.BooleanField(label=_("Au catalogue"), required=False, initial=True)

    @classmethod
    def initial_for(cls, item: CatalogueItem, price: Any) -> dict[str, Any]:
        initial = {name: getattr(item, name) for name in cls.base_fields if name != "unit_price_ht"}
        return initial | {"unit_price_ht": price}


class AmendmentForm(forms.Form):
    """An amendment, with a new price field for each item of the agreement (empty: unchanged)."""

    subject = forms.CharField(label=_("Objet de l'avenant"), max_length=255)
    signed_date = forms.DateField(label=_("Date de signature"), widget=DATE_WIDGET)
    effective_date = forms.DateField(label=_("Date d'effet"), widget=DATE_WIDGET)
    duration_change_months = forms.IntegerField(label=_("Modification de durée (mois)"), initial=0)
    amount_change_ht = forms.DecimalField(label=_("Modification du montant HT (€)"), initial=0, **MONEY)

    def __init__(self, *args: Any, items: list[CatalogueItem] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"price_{item.pk}"] = forms.DecimalField(
                label=_("Nouveau prix HT — %(ref)s %(label)s") % {"ref": item.reference, "label": item.label},
                required=False,
                min_value=0,
                **UNIT_PRICE,
            )

    def price_fields(self) -> list[Any]:
        return [self[f"price_{item.pk}"] for item in self.items]

    def main_fields(self) -> list[Any]:
        return [
            self[name]
            for name in ("subject", "signed_date", "effective_date", "duration_change_months", "amount_change_ht")
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        prices = {item: data[f"price_{item.pk}"] for item in self.items if data.get(f"price_{item.pk}") is not None}
        return {
            "subject": data["subject"],
            "signed_date": data["signed_date"],
            "effective_date": data["effective_date"],
            "duration_change_months": data.get("duration_change_months") or 0,
            "amount_change_ht": data.get("amount_change_ht") or 0,
            "prices": prices,
        }


class BpuUploadForm(forms.Form):
    """A BPU file (XLSX or CSV) and the date its prices apply from."""

    file = forms.FileField(
        label=_("Fichier BPU (XLSX ou CSV)"),
        help_text=_(
            "Colonnes : référence, désignation, description, catégorie, unité, prix unitaire HT, taux de TVA, "
            "prix public HT. CSV séparé par « ; » ou « , », en UTF-8."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    price_from = forms.DateField(
        label=_("Prix applicables à partir du"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Vide : date de début de l'accord-cadre."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("Déposez un fichier .xlsx ou .csv."))
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("Le fichier dépasse 5 Mo."))
        return upload
