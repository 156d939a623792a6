"""The stored due date of the payment clock (CCP R2192-10 to -13, R2192-29): always the clock's own due date, so that
the invoice list filters overdue invoices, sorts the most urgent first and totals them in SQL."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from mutualis.core.testing import login_as
from mutualis.purchasing.choices import InvoiceStatus
from mutualis.purchasing.models import Invoice
from mutualis.purchasing.selectors.invoices import invoice_clock, invoice_list, invoice_overdue_totals
from mutualis.purchasing.services.deliveries import service_certify
from mutualis.purchasing.services.invoices import invoice_pay, invoice_register, invoice_resume, invoice_suspend
from mutualis.purchasing.tests.builders import certified_order, deliver_all, sent_order

D = datetime.date
pytestmark = pytest.mark.django_db


def register(order, user, number, received_on, ttc="120.00"):
    ttc = Decimal(ttc)
    ht = (ttc / Decimal("1.2")).quantize(Decimal("0.01"))
    return invoice_register(
        order=order,
        number=number,
        invoice_date=received_on,
        received_on=received_on,
        amount_ht=ht,
        amount_vat=ttc - ht,
        amount_ttc=ttc,
        acting_user=user,
    )


def stored_and_computed(pk):
    """The stored due date and the one the clock computes, on a fresh read."""
    invoice = Invoice.objects.select_related("order").prefetch_related("suspensions").get(pk=pk)
    return invoice.due_date, invoice_clock(invoice).due_date


def test_stored_due_date_follows_the_clock_at_every_step(world):
    """Registered 2 March (due 1 April), suspended 10 March (no due date: R2192-29), resumed 20 March (due 11 April),
    paid 15 April: at each step the stored due date is the clock's."""
    order = certified_order(world, tablets=2, delivered_on=D(2026, 2, 20), executed_on=D(2026, 2, 25))
    invoice = register(order, world.staff, "F-1", D(2026, 3, 2))
    assert stored_and_computed(invoice.pk) == (D(2026, 4, 1), D(2026, 4, 1))
    invoice_suspend(invoice=invoice, started_on=D(2026, 3, 10), reason="RIB manquant", acting_user=world.staff)
    assert stored_and_computed(invoice.pk) == (None, None)
    invoice_resume(invoice=invoice, ended_on=D(2026, 3, 20), acting_user=world.staff)
    assert stored_and_computed(invoice.pk) == (D(2026, 4, 11), D(2026, 4, 11))
    invoice_pay(invoice=invoice, paid_on=D(2026, 4, 15), acting_user=world.staff)
    assert stored_and_computed(invoice.pk) == (D(2026, 4, 11), D(2026, 4, 11))


def test_certification_starts_the_stored_clock_of_invoices_already_there(world):
    """R2192-13: services register invoices only after service fait, but an invoice already on the order (imported)
    gets its due date when the execution date is certified: executed 10 March, received 1 March → due 9 April."""
    order = sent_order(world, tablets=2)
    deliver_all(order, world.agent, on=D(2026, 3, 5))
    invoice = Invoice.objects.create(
        order=order,
        supplier=order.supplier,
        number="F-IMPORT",
        invoice_date=D(2026, 3, 1),
        received_on=D(2026, 3, 1),
        amount_ht=Decimal("600"),
        amount_vat=Decimal("120"),
        amount_ttc=Decimal("720"),
    )
    assert stored_and_computed(invoice.pk) == (None, None)
    service_certify(order=order, execution_date=D(2026, 3, 10), acting_user=world.agent)
    assert stored_and_computed(invoice.pk) == (D(2026, 4, 9), D(2026, 4, 9))


def test_data_migration_computes_the_due_date_of_existing_invoices(world):
    """The migration that adds the field fills it for existing invoices with the same rule as the clock."""
    order = certified_order(world, tablets=2, delivered_on=D(2026, 2, 20), executed_on=D(2026, 2, 25))
    running = register(order, world.staff, "F-1", D(2026, 3, 2))
    suspended = register(order, world.staff, "F-2", D(2026, 3, 2))
    invoice_suspend(invoice=suspended, started_on=D(2026, 3, 10), reason="RIB manquant", acting_user=world.staff)
    Invoice.objects.update(due_date=D(2000, 1, 1))
    migration = importlib.import_module("mutualis.purchasing.migrations.0003_invoice_due_date")
    migration.compute_due_dates(apps, None)
    assert stored_and_computed(running.pk) == (D(2026, 4, 1), D(2026, 4, 1))
    assert stored_and_computed(suspended.pk) == (None, None)


@pytest.fixture
def mixed(world):
    """Invoices of member A in every state of the clock (due dates in brackets):
    A received 2 March (1 April), B received 10 April (10 May), C suspended since 10 March (none), D suspended
    10-20 March (11 April), E paid 10 April (1 April), E2 paid 12 April (2 April), F received 16 March (15 April),
    G received 15 March (14 April), H on an order without service fait (none)."""
    order = certified_order(world, tablets=10, delivered_on=D(2026, 2, 20), executed_on=D(2026, 2, 25))
    staff = world.staff
    made = {}
    for number, received in [
        ("A", D(2026, 3, 2)),
        ("B", D(2026, 4, 10)),
        ("C", D(2026, 3, 2)),
        ("D", D(2026, 3, 2)),
        ("E", D(2026, 3, 2)),
        ("E2", D(2026, 3, 3)),
        ("F", D(2026, 3, 16)),
        ("G", D(2026, 3, 15)),
    ]:
        made[number] = register(order, staff, number, received, ttc=f"{120 + len(made) * 12}.00")
    invoice_suspend(invoice=made["C"], started_on=D(2026, 3, 10), reason="Attestation", acting_user=staff)
    invoice_suspend(invoice=made["D"], started_on=D(2026, 3, 10), reason="Attestation", acting_user=staff)
    invoice_resume(invoice=made["D"], ended_on=D(2026, 3, 20), acting_user=staff)
    invoice_pay(invoice=made["E"], paid_on=D(2026, 4, 10), acting_user=staff)
    invoice_pay(invoice=made["E2"], paid_on=D(2026, 4, 12), acting_user=staff)
    pending = sent_order(world, tablets=1)
    Invoice.objects.create(
        order=pending,
        supplier=pending.supplier,
        number="H",
        invoice_date=D(2026, 3, 5),
        received_on=D(2026, 3, 5),
        amount_ht=Decimal("300"),
        amount_vat=Decimal("60"),
        amount_ttc=Decimal("360"),
    )
    return made


@pytest.mark.parametrize(
    "today",
    [D(2026, 3, 20), D(2026, 4, 1), D(2026, 4, 2), D(2026, 4, 14), D(2026, 4, 15), D(2026, 5, 11), None],
)
def test_sql_overdue_filter_is_the_clocks_overdue(world, mixed, today):
    """The SQL filter (unpaid, stored due date before today) keeps exactly the invoices whose clock says overdue."""
    sql = {i.number for i in invoice_list(user=world.staff, filters={"overdue": True}, today=today)}
    clock = {i.number for i in invoice_list(user=world.staff) if invoice_clock(i, today=today).overdue}
    assert sql == clock
    if today == D(2026, 4, 15):
        assert sql == {"A", "D", "G"}  # F is due that very day; C is suspended; H has no service fait


def test_due_sort_puts_the_most_urgent_first(world, mixed):
    """Unpaid by due date (earliest first), then unpaid without due date (newest reception first), then paid
    (latest payment first); the default order stays newest reception first."""
    urgent = [i.number for i in invoice_list(user=world.staff, filters={"sort": "due"})]
    assert urgent == ["A", "D", "G", "F", "B", "H", "C", "E2", "E"]
    newest = [i.received_on for i in invoice_list(user=world.staff, filters={"sort": "received"})]
    assert newest == [i.received_on for i in invoice_list(user=world.staff)] == sorted(newest, reverse=True)


@override_settings(ECB_MAIN_REFINANCING_RATE="2.15")
def test_overdue_totals_from_sql_match_the_clocks(world, mixed):
    """Count, amount TTC and interest owed on 15 April (R2192-31) of the overdue invoices, from SQL aggregates:
    the same as adding up the clocks (one overdue invoice per due date here, so no rounding difference)."""
    today = D(2026, 4, 15)
    clocks = [(i, invoice_clock(i, today=today)) for i in invoice_list(user=world.staff)]
    overdue = [(i, c) for i, c in clocks if c.overdue]
    totals = invoice_overdue_totals(user=world.staff, today=today)
    assert totals == {
        "overdue": 3,
        "amount_ttc": sum((i.amount_ttc for i, _c in overdue), Decimal("0")),
        "interest": sum((c.interest for _i, c in overdue), Decimal("0")),
    }
    assert totals["interest"] > 0
    assert invoice_overdue_totals(user=world.other_member, today=today)["overdue"] == 0


def test_list_page_sorts_filters_and_totals(world, mixed, client):
    """The page lists the most urgent first by default, by reception on request, and filters overdue invoices."""
    login_as(client, world.staff)
    response = client.get("/achats/factures/")
    assert [i.number for i in response.context["page"].object_list][:3] == ["A", "D", "G"]
    assert "Tri" in response.content.decode()
    response = client.get("/achats/factures/?sort=received")
    assert response.context["page"].object_list[0].number == "B"
    response = client.get("/achats/factures/?overdue=on")
    numbers = {i.number for i in response.context["page"].object_list}
    assert numbers == {i.number for i in invoice_list(user=world.staff) if invoice_clock(i).overdue}
    assert response.context["totals"]["overdue"] == len(numbers)


def test_api_gives_due_date_and_sorts(world, mixed, client):
    """/api/v1/invoices/: the stored due date (read-only) equals the clock's; ?sort=due lists the most urgent first."""
    login_as(client, world.reader)
    results = client.get("/api/v1/invoices/?sort=due").json()["results"]
    assert [r["number"] for r in results][:3] == ["A", "D", "G"]
    assert all(r["due_date"] == r["clock"]["due_date"] for r in results)


def test_list_page_queries_do_not_grow_with_invoices(world, client):
    """Only the page's invoices get their clock, and totals come from SQL: 3 or 30 invoices, as many queries."""
    order = certified_order(world, tablets=2, delivered_on=D(2026, 2, 20), executed_on=D(2026, 2, 25))
    login_as(client, world.staff)

    def add(count):
        start = Invoice.objects.count()
        for n in range(start, start + count):
            invoice = register(order, world.staff, f"Q-{n}", D(2026, 3, 2) + datetime.timedelta(days=n), ttc="12.00")
            if n % 4 == 0:
                invoice_suspend(invoice=invoice, started_on=invoice.received_on, reason="RIB", acting_user=world.staff)
            if n % 8 == 0:
                invoice_resume(invoice=invoice, ended_on=invoice.received_on, acting_user=world.staff)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/achats/factures/?overdue=on&sort=due")
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    add(3)
    client.get("/achats/factures/")
    few, _response = queries()
    add(27)
    many, response = queries()
    assert response.context["page"].paginator.count > 25 and len(response.context["page"].object_list) <= 25
    assert many == few
    assert Invoice.objects.filter(status=InvoiceStatus.SUSPENDED).exists()
