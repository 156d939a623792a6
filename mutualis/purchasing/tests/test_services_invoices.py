"""Invoices: registration rules, suspension of the clock (R2192-29), payment freezing interest and flat fee."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from mutualis.purchasing.choices import InvoiceStatus, OrderStatus
from mutualis.purchasing.models import Invoice
from mutualis.purchasing.selectors.invoices import invoice_clock
from mutualis.purchasing.services.invoices import invoice_pay, invoice_register, invoice_resume, invoice_suspend
from mutualis.purchasing.tests.builders import certified_order

D = datetime.date
pytestmark = pytest.mark.django_db


def register(order, user, **kwargs):
    data = {
        "number": "F-2026-001",
        "invoice_date": D(2026, 3, 1),
        "received_on": D(2026, 3, 2),
        "amount_ht": Decimal("600.00"),
        "amount_vat": Decimal("120.00"),
        "amount_ttc": Decimal("720.00"),
    } | kwargs
    return invoice_register(order=order, acting_user=user, **data)


@pytest.fixture
def order(world):
    """Two tablets (720 € TTC), delivered on 20 February 2026, executed on 25 February 2026."""
    return certified_order(world, tablets=2, delivered_on=D(2026, 2, 20), executed_on=D(2026, 2, 25))


def test_register_invoice_moves_order_to_invoiced(world, order):
    """A purchasing officer (or the member's manager) registers the invoice; the order is invoiced."""
    invoice = register(order, world.staff)
    order.refresh_from_db()
    assert order.status == OrderStatus.INVOICED
    assert invoice.supplier == order.supplier and invoice.status == InvoiceStatus.RECEIVED


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount_ttc": Decimal("730.00")}, "amount_ttc"),
        (
            {"amount_ht": Decimal("700.00"), "amount_vat": Decimal("140.00"), "amount_ttc": Decimal("840.00")},
            "amount_ttc",
        ),
        ({"received_on": D(2026, 2, 27)}, "received_on"),
    ],
)
def test_inconsistent_invoice_is_refused(world, order, kwargs, field):
    """HT + TVA = TTC, not above the order's TTC, received after being issued: else a French error, nothing written."""
    with pytest.raises(ValidationError) as exc:
        register(order, world.staff, **kwargs)
    assert field in exc.value.message_dict
    assert Invoice.objects.count() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.SERVICE_CERTIFIED


def test_invoice_number_unique_per_supplier(world, order):
    """The same supplier cannot send two invoices with the same number."""
    register(order, world.staff, amount_ht=Decimal("300"), amount_vat=Decimal("60"), amount_ttc=Decimal("360"))
    with pytest.raises(ValidationError) as exc:
        register(order, world.staff, amount_ht=Decimal("300"), amount_vat=Decimal("60"), amount_ttc=Decimal("360"))
    assert "déjà une facture" in str(exc.value)


def test_agent_and_reader_cannot_register(world, order):
    """Registering invoices is for purchasing officers and the member's managers."""
    for user in (world.agent, world.reader):
        with pytest.raises(PermissionDenied):
            register(order, user)
    assert Invoice.objects.count() == 0


@override_settings(ECB_MAIN_REFINANCING_RATE="2.15")
def test_late_payment_freezes_interest_and_flat_fee(world, order):
    """R2192-10, R2192-31, D2192-35: received 2 March, due 1 April; paid 21 April = 20 days late:
    720 × 10.15 % × 20 / 365 = 4.00 € of interest and the 40 € flat fee, frozen on the invoice; order paid."""
    invoice = register(order, world.staff)
    assert invoice_clock(invoice, today=D(2026, 3, 20)).due_date == D(2026, 4, 1)
    invoice = invoice_pay(invoice=invoice, paid_on=D(2026, 4, 21), acting_user=world.manager)
    assert (invoice.late_interest, invoice.flat_fee) == (Decimal("4.00"), Decimal("40.00"))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    with override_settings(ECB_MAIN_REFINANCING_RATE="9"):
        assert invoice_clock(invoice).interest == Decimal("4.00")


def test_paid_on_time_owes_nothing(world, order):
    """R2192-10: paid within 30 days, no interest and no flat fee."""
    invoice = invoice_pay(invoice=register(order, world.staff), paid_on=D(2026, 3, 30), acting_user=world.staff)
    assert (invoice.late_interest, invoice.flat_fee) == (Decimal("0"), Decimal("0"))


def test_suspension_pushes_due_date(world, order):
    """R2192-29: suspended 10 to 20 March (10 days) → due 11 April instead of 1 April; no payment while suspended."""
    invoice = register(order, world.staff)
    invoice_suspend(invoice=invoice, started_on=D(2026, 3, 10), reason="Attestation manquante", acting_user=world.staff)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SUSPENDED
    assert invoice_clock(invoice, today=D(2026, 3, 15)).due_date is None
    with pytest.raises(ValidationError):
        invoice_pay(invoice=invoice, paid_on=D(2026, 3, 15), acting_user=world.staff)
    invoice_resume(invoice=invoice, ended_on=D(2026, 3, 20), acting_user=world.staff)
    invoice.refresh_from_db()
    assert invoice_clock(invoice, today=D(2026, 4, 5)).due_date == D(2026, 4, 11)
    invoice = invoice_pay(invoice=invoice, paid_on=D(2026, 4, 11), acting_user=world.staff)
    assert invoice.late_interest == 0


def test_clock_starts_at_execution_when_invoice_came_first(world):
    """R2192-13: invoice received 1 March, service executed 10 March → due 9 April."""
    order = certified_order(world, tablets=2, delivered_on=D(2026, 3, 5), executed_on=D(2026, 3, 10))
    invoice = register(order, world.manager, invoice_date=D(2026, 2, 27), received_on=D(2026, 3, 1))
    clock = invoice_clock(invoice, today=D(2026, 3, 15))
    assert (clock.start, clock.start_reason, clock.due_date) == (D(2026, 3, 10), "execution", D(2026, 4, 9))
