"""Forms of deliveries, service fait and invoices. They check the shape of the input; the services hold the rules."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualis.accounts.types import Viewer
from mutualis.core.collation import french
from mutualis.core.forms import DATE_WIDGET
from mutualis.members.selectors import member_list
from mutualis.purchasing.choices import InvoiceStatus
from mutualis.purchasing.models import Invoice, Supplier


class DeliveryForm(forms.Form):
    """A delivery: date, delivery note, reservations, and for each order line a quantity and serial numbers."""

    delivered_on = forms.DateField(label=_("Date de livraison"), widget=DATE_WIDGET)
    delivery_note = forms.CharField(label=_("N° du bon de livraison"), required=False, max_length=100)
    reservations = forms.CharField(
        label=_("Réserves"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Colis abîmé, article manquant… (facultatif)"),
    )

    def __init__(self, *args: Any, order_lines: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"delivered_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.order_lines = list(order_lines)
        self.line_rows = []
        for line in self.order_lines:
            remaining = line.quantity - line.delivered_quantity
            qty = f"line_{line.pk}_quantity"
            self.fields[qty] = forms.IntegerField(
                label=_("Quantité livrée — %(item)s") % {"item": line.item.label},
                min_value=0,
                initial=0,
                required=False,
                help_text=_("Reste à livrer : %(remaining)s sur %(quantity)s")
                % {"remaining": remaining, "quantity": line.quantity},
            )
            row = {"line": line, "remaining": remaining, "quantity": self[qty], "serials": None}
            if line.item.serialized:
                serials = f"line_{line.pk}_serials"
                self.fields[serials] = forms.CharField(
                    label=_("Numéros de série — %(item)s") % {"item": line.item.label},
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    help_text=_("Un numéro par ligne, un par unité livrée."),
                )
                row["serials"] = self[serials]
            self.line_rows.append(row)

    def lines(self) -> list[dict[str, Any]]:
        """The lines for delivery_record (only the cleaned data)."""
        return [
            {
                "order_line": line,
                "quantity": self.cleaned_data.get(f"line_{line.pk}_quantity") or 0,
                "serial_numbers": self.cleaned_data.get(f"line_{line.pk}_serials") or "",
            }
            for line in self.order_lines
        ]

    def error_field_map(self) -> dict[str, str]:
        """Service error keys (line_<pk>) → the quantity field of that line."""
        return {f"line_{line.pk}": f"line_{line.pk}_quantity" for line in self.order_lines}


class ServiceCertifyForm(forms.Form):
    """Certify service fait with the execution date."""

    execution_date = forms.DateField(
        label=_("Date d'exécution"),
        widget=DATE_WIDGET,
        help_text=_(
            "Date à laquelle la prestation a été entièrement exécutée ; le délai de paiement court à partir "
            "de la plus tardive de cette date et de la réception de la facture (CCP R2192-12, R2192-13)."
        ),
    )


class InvoiceForm(forms.Form):
    """Register a supplier's invoice."""

    number = forms.CharField(label=_("Numéro de facture"), max_length=50)
    invoice_date = forms.DateField(label=_("Date de la facture"), widget=DATE_WIDGET)
    received_on = forms.DateField(
        label=_("Reçue le"), widget=DATE_WIDGET, help_text=_("Date de réception par l'acheteur (dépôt sur Chorus Pro).")
    )
    amount_ht = forms.DecimalField(label=_("Montant HT (€)"), max_digits=14, decimal_places=2)
    amount_vat = forms.DecimalField(label=_("TVA (€)"), max_digits=14, decimal_places=2)
    amount_ttc = forms.DecimalField(label=_("Montant TTC (€)"), max_digits=14, decimal_places=2)


class InvoiceSuspendForm(forms.Form):
    """Suspend the payment clock (CCP R2192-29)."""

    started_on = forms.DateField(label=_("Suspendu le"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Pièces manquantes"), widget=forms.Textarea(attrs={"rows": 3}))


class InvoiceResumeForm(forms.Form):
    """The missing documents arrived: the clock runs again."""

    ended_on = forms.DateField(label=_("Pièces reçues le"), widget=DATE_WIDGET)


class InvoicePayForm(forms.Form):
    """Record a payment (mandatement)."""

    paid_on = forms.DateField(label=_("Payée le"), widget=DATE_WIDGET)


class InvoiceFilterForm(forms.Form):
    """Filters of the invoice list."""

    q = forms.CharField(label=_("Rechercher (n° de facture, de commande, EJ)"), required=False)
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=[("", _("Tous"))] + InvoiceStatus.choices)
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)
    supplier = forms.ModelChoiceField(label=_("Fournisseur"), queryset=None, required=False, empty_label=_("Tous"))
    member = forms.ModelChoiceField(label=_("Adhérent"), queryset=None, required=False, empty_label=_("Tous"))
    sort = forms.ChoiceField(
        label=_("Tri"),
        required=False,
        choices=[
            ("due", _("Échéance (les plus urgentes d'abord)")),
            ("received", _("Réception (les plus récentes d'abord)")),
        ],
    )

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = member_list(user=user)
        self.fields["member"].queryset = members
        invoiced = Invoice.objects.filter(order__member__in=members).values("supplier_id")
        self.fields["supplier"].queryset = Supplier.objects.filter(pk__in=invoiced).order_by(french("name"), "pk")

    def filters(self) -> dict[str, Any]:
        """The valid filters as plain values for invoice_list."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        for key in ("member", "supplier"):
            data[key] = data[key].pk if data.get(key) else ""
        return data
