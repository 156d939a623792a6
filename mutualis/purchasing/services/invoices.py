"""Invoices of certified orders: registration, suspension of the payment clock (CCP R2192-29), payment with the
late-payment interest (R2192-31) and flat fee (L2192-13, D2192-35) frozen at payment."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.money import euros
from mutualis.core.services import audit_record, snapshot
from mutualis.purchasing.choices import InvoiceStatus, OrderStatus
from mutualis.purchasing.models import Invoice, InvoiceSuspension, Order
from mutualis.purchasing.permissions import invoice_abilities, order_fulfilment_abilities
from mutualis.purchasing.rules import payment_due_date
from mutualis.purchasing.selectors.invoices import invoice_clock
from mutualis.purchasing.services.orders import order_fulfilment_transition

# Invoices may differ from the order's total by rounding (line by line vs. on the total).
ROUNDING_TOLERANCE = Decimal("0.05")
INVOICE_FIELDS = ["status", "paid_on", "late_interest", "flat_fee"]


def invoice_refresh_due_date(invoice: Invoice) -> Invoice:
    """Store the due date of the invoice's payment clock, read afresh from its reception, its order's execution
    date and its suspensions: the value invoice_clock computes (None while not started or suspended, R2192-29)."""
    execution = Order.objects.filter(pk=invoice.order_id).values_list("execution_date", flat=True).get()
    suspensions = list(InvoiceSuspension.objects.filter(invoice_id=invoice.pk).values_list("started_on", "ended_on"))
    due = payment_due_date(
        received_on=invoice.received_on,
        execution_date=execution,
        suspensions=suspensions,
        today=invoice.paid_on or timezone.localdate(),
    )
    if due != invoice.due_date:
        invoice.due_date = due
        invoice.save(update_fields=["due_date", "updated_at"])
    return invoice


def _check_amounts(order: Order, amount_ht: Decimal, amount_vat: Decimal, amount_ttc: Decimal) -> None:
    errors: dict[str, str] = {}
    if amount_ht <= 0:
        errors["amount_ht"] = _("Le montant HT doit être positif.")
    if amount_vat < 0:
        errors["amount_vat"] = _("La TVA ne peut pas être négative.")
    if amount_ht + amount_vat != amount_ttc:
        errors["amount_ttc"] = _("Le montant TTC doit être égal au HT plus la TVA (%(sum)s).") % {
            "sum": euros(amount_ht + amount_vat)
        }
    already = Invoice.objects.filter(order=order).exclude(status=InvoiceStatus.REJECTED).aggregate(t=Sum("amount_ttc"))[
        "t"
    ] or Decimal("0")
    if not errors and already + amount_ttc > order.total_ttc + ROUNDING_TOLERANCE:
        errors["amount_ttc"] = _(
            "Le total facturé (%(total)s TTC) dépasserait le montant de la commande (%(order)s TTC)."
        ) % {"total": euros(already + amount_ttc), "order": euros(order.total_ttc)}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def invoice_register(
    *,
    order: Order,
    number: str,
    invoice_date: datetime.date,
    received_on: datetime.date,
    amount_ht: Decimal,
    amount_vat: Decimal,
    amount_ttc: Decimal,
    acting_user: User,
) -> Invoice:
    """Register the supplier's invoice of a certified order with its reception date (the payment clock starts from
    it or from the execution, CCP R2192-12/-13); the order becomes invoiced."""
    order = Order.objects.select_for_update(of=("self",)).select_related("member", "supplier").get(pk=order.pk)
    if order.status not in {OrderStatus.SERVICE_CERTIFIED, OrderStatus.INVOICED}:
        raise ValidationError(_("Une facture s'enregistre sur une commande dont le service fait est certifié."))
    if not order_fulfilment_abilities(acting_user, order)["register_invoice"]:
        raise PermissionDenied(_("Vous ne pouvez pas enregistrer de facture pour cette commande."))
    number = (number or "").strip()
    errors: dict[str, str] = {}
    if not number:
        errors["number"] = _("Indiquez le numéro de la facture.")
    elif Invoice.objects.filter(supplier=order.supplier, number__iexact=number).exists():
        errors["number"] = _("Ce fournisseur a déjà une facture n° %(number)s.") % {"number": number}
    if received_on > timezone.localdate():
        errors["received_on"] = _("La date de réception ne peut pas être dans le futur.")
    elif received_on < invoice_date:
        errors["received_on"] = _("La facture ne peut pas être reçue avant sa date d'émission.")
    if errors:
        raise ValidationError(errors)
    _check_amounts(order, Decimal(amount_ht), Decimal(amount_vat), Decimal(amount_ttc))
    invoice = Invoice(
        order=order,
        supplier=order.supplier,
        number=number,
        invoice_date=invoice_date,
        received_on=received_on,
        amount_ht=amount_ht,
        amount_vat=amount_vat,
        amount_ttc=amount_ttc,
        status=InvoiceStatus.RECEIVED,
    )
    invoice.full_clean()
    invoice.save()
    invoice_refresh_due_date(invoice)
    if order.status == OrderStatus.SERVICE_CERTIFIED:
        order_fulfilment_transition(order=order, to_status=OrderStatus.INVOICED, acting_user=acting_user)
    audit_record(
        actor=acting_user,
        action="invoice.register",
        obj=invoice,
        member_id=order.member_id,
        after=snapshot(invoice, ["number", "invoice_date", "received_on", "amount_ht", "amount_vat", "amount_ttc"]),
    )
    return invoice


def _locked(invoice: Invoice, acting_user: User, ability: str) -> Invoice:
    invoice = (
        Invoice.objects.select_for_update(of=("self",)).select_related("order", "order__member").get(pk=invoice.pk)
    )
    if not invoice_abilities(acting_user, invoice)["view"]:
        raise PermissionDenied
    if not invoice_abilities(acting_user, invoice)[ability]:
        if invoice.status == InvoiceStatus.PAID:
            raise ValidationError(_("Cette facture est déjà payée."))
        if ability in {"suspend", "pay"} and invoice.status == InvoiceStatus.SUSPENDED:
            raise ValidationError(_("Le délai de paiement est suspendu : enregistrez d'abord la reprise."))
        if ability == "resume" and invoice.status != InvoiceStatus.SUSPENDED:
            raise ValidationError(_("Le délai de paiement de cette facture n'est pas suspendu."))
        raise PermissionDenied
    return invoice


@transaction.atomic
def invoice_suspend(
    *, invoice: Invoice, started_on: datetime.date, reason: str, acting_user: User
) -> InvoiceSuspension:
    """Suspend the payment clock while documents are missing (CCP R2192-29); the reason lists them."""
    invoice = _locked(invoice, acting_user, "suspend")
    errors: dict[str, str] = {}
    if not (reason or "").strip():
        errors["reason"] = _("Indiquez les pièces manquantes.")
    if started_on < invoice.received_on:
        errors["started_on"] = _("La suspension ne peut pas précéder la réception de la facture.")
    elif started_on > timezone.localdate():
        errors["started_on"] = _("La date de suspension ne peut pas être dans le futur.")
    else:
        last = invoice.suspensions.order_by("-ended_on").values_list("ended_on", flat=True).first()
        if last and started_on < last:
            errors["started_on"] = _("La suspension ne peut pas précéder la fin de la précédente.")
    if errors:
        raise ValidationError(errors)
    suspension = InvoiceSuspension(invoice=invoice, started_on=started_on, reason=reason.strip())
    suspension.full_clean()
    suspension.save()
    invoice.status = InvoiceStatus.SUSPENDED
    invoice.save(update_fields=["status", "updated_at"])
    invoice_refresh_due_date(invoice)
    audit_record(
        actor=acting_user,
        action="invoice.suspend",
        obj=invoice,
        member_id=invoice.order.member_id,
        after={"started_on": started_on.isoformat()},
        reason=reason,
    )
    return suspension


@transaction.atomic
def invoice_resume(*, invoice: Invoice, ended_on: datetime.date, acting_user: User) -> InvoiceSuspension:
    """The missing documents arrived: the payment clock runs again from `ended_on` (CCP R2192-29)."""
    invoice = _locked(invoice, acting_user, "resume")
    suspension = invoice.suspensions.filter(ended_on__isnull=True).first()
    if suspension is None:
        raise ValidationError(_("Le délai de paiement de cette facture n'est pas suspendu."))
    if ended_on < suspension.started_on:
        raise ValidationError({"ended_on": _("La reprise ne peut pas précéder la suspension.")})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("La date de reprise ne peut pas être dans le futur.")})
    suspension.ended_on = ended_on
    suspension.full_clean()
    suspension.save(update_fields=["ended_on", "updated_at"])
    invoice.status = InvoiceStatus.RECEIVED
    invoice.save(update_fields=["status", "updated_at"])
    invoice_refresh_due_date(invoice)
    audit_record(
        actor=acting_user,
        action="invoice.resume",
        obj=invoice,
        member_id=invoice.order.member_id,
        after={"ended_on": ended_on.isoformat(), "suspended_days": (ended_on - suspension.started_on).days},
    )
    return suspension


@transaction.atomic
def invoice_pay(*, invoice: Invoice, paid_on: datetime.date, acting_user: User) -> Invoice:
    """Record the payment; late-payment interest (CCP R2192-31) and the 40 € flat fee (D2192-35) are computed
    with the rate in force and frozen; the order becomes paid once all its invoices are."""
    invoice = _locked(invoice, acting_user, "pay")
    if paid_on < invoice.received_on:
        raise ValidationError({"paid_on": _("Le paiement ne peut pas précéder la réception de la facture.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("La date de paiement ne peut pas être dans le futur.")})
    before = snapshot(invoice, INVOICE_FIELDS)
    invoice.paid_on = paid_on
    clock = invoice_clock(invoice, today=paid_on)
    invoice.late_interest = clock.interest
    invoice.flat_fee = clock.flat_fee
    invoice.status = InvoiceStatus.PAID
    invoice.full_clean()
    invoice.save()
    invoice_refresh_due_date(invoice)
    order = invoice.order
    unpaid = Invoice.objects.filter(order=order).exclude(status__in=[InvoiceStatus.PAID, InvoiceStatus.REJECTED])
    if order.status == OrderStatus.INVOICED and not unpaid.exists():
        order_fulfilment_transition(order=order, to_status=OrderStatus.PAID, acting_user=acting_user)
    audit_record(
        actor=acting_user,
        action="invoice.pay",
        obj=invoice,
        member_id=order.member_id,
        before=before,
        after=snapshot(invoice, INVOICE_FIELDS) | {"days_late": clock.days_late, "ecb_rate": str(clock.ecb_rate)},
    )
    return invoice
