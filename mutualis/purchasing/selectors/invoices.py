"""Reads of invoices, scoped by the user, with the legal payment clock computed for each (not stored until paid)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mutualis.members.selectors import member_ids_for
from mutualis.purchasing import rules
from mutualis.purchasing.choices import InvoiceStatus
from mutualis.purchasing.models import Invoice, InvoiceSuspension


@dataclass
class PaymentClock:
    """An invoice's payment clock on a given day (CCP R2192-10 to R2192-13, R2192-29, R2192-31, D2192-35)."""

    received_on: datetime.date
    execution_date: datetime.date | None
    start: datetime.date | None
    suspensions: list[tuple[datetime.date, datetime.date | None]] = field(default_factory=list)
    suspended_days: int = 0
    suspended_now: bool = False
    due_date: datetime.date | None = None
    days_late: int = 0
    ecb_rate: Decimal = Decimal("0")
    rate: Decimal = Decimal("0")
    interest: Decimal = Decimal("0.00")
    flat_fee: Decimal = Decimal("0.00")
    overdue: bool = False

    @property
    def start_reason(self) -> str:
        """Which event started the clock: "reception" or "execution" (R2192-12 / R2192-13)."""
        if self.start is None:
            return ""
        return "execution" if self.execution_date and self.execution_date > self.received_on else "reception"


def ecb_rate() -> Decimal:
    """The ECB main refinancing rate in force, in percent (settings.ECB_MAIN_REFINANCING_RATE)."""
    return Decimal(str(settings.ECB_MAIN_REFINANCING_RATE))


def invoice_clock(invoice: Invoice, *, today: datetime.date | None = None) -> PaymentClock:
    """The payment clock of an invoice: start, suspensions, due date, days late and what is owed on `today`
    (or on its payment date once paid, with the amounts frozen at payment)."""
    today = today or timezone.localdate()
    suspensions = [(s.started_on, s.ended_on) for s in invoice.suspensions.all()]
    execution = invoice.order.execution_date
    end = invoice.paid_on or today
    due = rules.payment_due_date(
        received_on=invoice.received_on, execution_date=execution, suspensions=suspensions, today=end
    )
    late = rules.days_late(due_date=due, paid_on=invoice.paid_on, today=today)
    rate = ecb_rate()
    if invoice.status == InvoiceStatus.PAID:
        interest, fee = invoice.late_interest, invoice.flat_fee
    else:
        interest = rules.late_payment_interest(amount_ttc=invoice.amount_ttc, days=late, ecb_rate_percent=rate)
        fee = rules.recovery_flat_fee(days=late)
    return PaymentClock(
        received_on=invoice.received_on,
        execution_date=execution,
        start=rules.payment_clock_start(received_on=invoice.received_on, execution_date=execution),
        suspensions=suspensions,
        suspended_days=rules.suspended_days(suspensions, today=end),
        suspended_now=any(e is None for _s, e in suspensions),
        due_date=due,
        days_late=late,
        ecb_rate=rate,
        rate=rate + rules.LATE_INTEREST_MARGIN_POINTS,
        interest=interest,
        flat_fee=fee,
        overdue=invoice.status != InvoiceStatus.PAID and late > 0,
    )


def invoice_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Invoice]:
    """Invoices of the members the user may see, newest reception first.

    filters: q (invoice or order number, EJ), status, supplier, member (ids). The clock is computed per invoice
    with `invoice_clock` or `with_clocks`.
    """
    qs = (
        Invoice.objects.filter(order__member_id__in=member_ids_for(user))
        .select_related("order", "order__member", "order__site", "supplier")
        .prefetch_related(Prefetch("suspensions", queryset=InvoiceSuspension.objects.order_by("started_on")))
    )
    filters = filters or {}
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(order__number__icontains=q) | Q(order__ej_number__icontains=q))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    for key, fld in (("supplier", "supplier_id"), ("member", "order__member_id")):
        value = str(filters.get(key) or "")
        if value.isdigit():
            qs = qs.filter(**{fld: int(value)})
    return qs.order_by("-received_on", "-pk")


def with_clocks(invoices: Any, *, overdue_only: bool = False, today: datetime.date | None = None) -> list[Invoice]:
    """The invoices with `.clock` set; only the unpaid overdue ones if asked (computed in Python: the clock
    depends on suspensions and execution dates)."""
    result = []
    for invoice in invoices:
        invoice.clock = invoice_clock(invoice, today=today)
        if not overdue_only or invoice.clock.overdue:
            result.append(invoice)
    return result


def invoice_get(*, user: Any, pk: Any) -> Invoice:
    """One invoice the user may see, or Http404."""
    invoice = invoice_list(user=user).filter(pk=pk).first() if str(pk).isdigit() else None
    if invoice is None:
        raise Http404
    return invoice


def order_invoices(*, order: Any) -> QuerySet[Invoice]:
    """The invoices of an order (the caller already holds the order through a scoped selector)."""
    return Invoice.objects.filter(order=order).select_related("supplier").order_by("received_on", "pk")
