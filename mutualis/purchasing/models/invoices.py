from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.purchasing.choices import InvoiceStatus
from mutualis.purchasing.models.agreements import Supplier
from mutualis.purchasing.models.orders import Order


class Invoice(BaseModel):
    """A supplier's invoice for an order; the legal payment clock runs from its reception (CCP R2192-10 to -13)."""

    member_path = "order__member"

    order = models.ForeignKey(Order, verbose_name=_("commande"), on_delete=models.PROTECT, related_name="invoices")
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("fournisseur"), on_delete=models.PROTECT, related_name="invoices"
    )
    number = models.CharField(_("numéro de facture"), max_length=50)
    invoice_date = models.DateField(_("date de facture"))
    received_on = models.DateField(_("reçue le"))
    amount_ht = models.DecimalField(_("montant HT"), max_digits=14, decimal_places=2)
    amount_vat = models.DecimalField(_("TVA"), max_digits=14, decimal_places=2)
    amount_ttc = models.DecimalField(_("montant TTC"), max_digits=14, decimal_places=2)
    status = models.CharField(_("statut"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.RECEIVED)
    paid_on = models.DateField(_("payée le"), null=True, blank=True)
    # The payment clock's due date, stored so lists filter and sort on it in SQL; kept equal to
    # invoice_clock(invoice).due_date by services.invoices.invoice_refresh_due_date (None while the clock has not
    # started or is suspended).
    due_date = models.DateField(_("date limite de paiement"), null=True, blank=True, db_index=True)
    # Frozen when paid: the interest and flat fee owed for a late payment (CCP R2192-31 to -36).
    late_interest = models.DecimalField(_("intérêts moratoires"), default=Decimal("0"), max_digits=14, decimal_places=2)
    flat_fee = models.DecimalField(
        _("indemnité forfaitaire pour frais de recouvrement"), default=Decimal("0"), max_digits=14, decimal_places=2
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "number"], name="unique_invoice_number_per_supplier")
        ]

    def __str__(self) -> str:
        return f"{self.supplier} n° {self.number}"


class InvoiceSuspension(BaseModel):
    """A period during which the payment clock stops because documents are missing (CCP R2192-29)."""

    member_path = "invoice__order__member"

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("facture"), on_delete=models.CASCADE, related_name="suspensions"
    )
    started_on = models.DateField(_("suspendu le"))
    ended_on = models.DateField(_("repris le"), null=True, blank=True)
    reason = models.TextField(_("pièces manquantes"))

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["invoice", "started_on"]
        verbose_name = _("suspension du délai de paiement")
        verbose_name_plural = _("suspensions du délai de paiement")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="suspension_end_after_start",
                violation_error_message=_("La reprise doit suivre la suspension."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice} — {self.started_on}"
