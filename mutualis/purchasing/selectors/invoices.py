"""Reads of invoices, scoped by the user: the legal payment clock computed for each (its due date is also stored, so
lists filter on overdue, sort by urgency and total in SQL)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from mutualis.accounts.types import Viewer
from mutualis.core.validation import parse_id
from mutualis.purchasing import rules
from mutualis.purchasing.choices import InvoiceStatus
from mutualis.purchasing.filters import InvoiceFilter, apply_filters
from mutualis.purchasing.models import Invoice, InvoiceSuspension, Order


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


def _scoped(user: Viewer, filters: dict[str, Any], today: datetime.date | None) -> QuerySet[Invoice]:
    """The invoices of the members the user may see, filtered (InvoiceFilter, `sort` included)."""
    qs = Invoice.objects.visible_to(user).order_by("-received_on", "-pk")
    return apply_filters(InvoiceFilter, filters, qs, today=today)


def invoice_list(
    *, user: Viewer, filters: dict[str, Any] | None = None, today: datetime.date | None = None
) -> QuerySet[Invoice]:
    """Invoices of the members the user may see.

    filters (see `InvoiceFilter`): q (invoice or order number, EJ), status, supplier, member (ids), overdue (true /
    "1": unpaid and past the stored due date on `today`, default the local date), sort:
    - "received" (default): newest reception first;
    - "due" (the list page's default, most urgent first): unpaid invoices first, by due date ascending, those
      without a due date (service not executed, clock suspended) after them; then paid invoices, latest payment
      first; ties by newest reception.
    The full clock (days late, interest) is computed per invoice with `invoice_clock` or `with_clocks`.
    """
    return (
        _scoped(user, filters or {}, today)
        .select_related("order", "order__member", "order__site", "supplier")
        .prefetch_related(Prefetch("suspensions", queryset=InvoiceSuspension.objects.order_by("started_on")))
    )


def invoice_overdue_totals(
    *, user: Viewer, filters: dict[str, Any] | None = None, today: datetime.date | None = None
) -> dict[str, Any]:
    """Number, amount TTC and late-payment interest owed on `today` of the overdue invoices among the filtered
    ones, from SQL aggregates grouped by due date (so as many rows as due dates, not invoices); the interest is
    computed per due date on the summed amounts, within a cent per invoice of the sum of each invoice's interest."""
    today = today or timezone.localdate()
    rows = (
        _scoped(user, {**(filters or {}), "overdue": "true"}, today)
        .order_by()
        .values("due_date")
        .annotate(count=Count("pk"), ttc=Sum("amount_ttc"))
    )
    rate = ecb_rate()
    totals: dict[str, Any] = {"overdue": 0, "amount_ttc": Decimal("0.00"), "interest": Decimal("0.00")}
    for row in rows:
        days = rules.days_late(due_date=row["due_date"], paid_on=None, today=today)
        totals["overdue"] += row["count"]
        totals["amount_ttc"] += row["ttc"]
        totals["interest"] += rules.late_payment_interest(amount_ttc=row["ttc"], days=days, ecb_rate_percent=rate)
    return totals


def with_clocks(invoices: Any, *, today: datetime.date | None = None) -> list[Invoice]:
    """The invoices (a page of them: each needs its suspensions and order) with `.clock` set."""
    invoices = list(invoices)
    for invoice in invoices:
        invoice.clock = invoice_clock(invoice, today=today)
    return invoices


def invoice_get(*, user: Viewer, pk: Any) -> Invoice:
    """One invoice the user may see, or Http404."""
    invoice = invoice_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if invoice is None:
        raise Http404
    return invoice


def order_invoices(*, order: Order) -> QuerySet[Invoice]:
    """The invoices of an order (the caller already holds the order through a scoped selector)."""
    return Invoice.objects.filter(order=order).select_related("supplier").order_by("received_on", "pk")
