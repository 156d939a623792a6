"""Invoice pages, the Chorus Pro export and the invoices API: role matrices, the clock shown, French errors."""

import datetime
import json
from decimal import Decimal

import pytest
from django.test import override_settings

from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.purchasing.choices import InvoiceStatus
from mutualis.purchasing.models import Invoice, InvoiceSuspension
from mutualis.purchasing.services.invoices import invoice_register
from mutualis.purchasing.tests.builders import certified_order

D = datetime.date
pytestmark = pytest.mark.django_db
ALL_SEE = {"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}
A_SEES = {"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200}


@pytest.fixture
def order(world):
    """Two tablets (720 € TTC) delivered 20 Feb 2026, executed 25 Feb 2026."""
    return certified_order(world, tablets=2, delivered_on=D(2026, 2, 20), executed_on=D(2026, 2, 25))


@pytest.fixture
def invoice(world, order):
    """Invoice F-1 of 720 € TTC received on 2 March 2026: due 1 April 2026."""
    return invoice_register(
        order=order,
        number="F-1",
        invoice_date=D(2026, 3, 1),
        received_on=D(2026, 3, 2),
        amount_ht=Decimal("600"),
        amount_vat=Decimal("120"),
        amount_ttc=Decimal("720"),
        acting_user=world.staff,
    )


def test_invoice_pages_matrix(world, invoice):
    """The list is open to every signed-in user (scoped); an invoice of member A is 404 for member B."""
    assert_role_matrix(world, method="get", url="/achats/factures/", expected=ALL_SEE)
    assert_role_matrix(world, method="get", url=f"/achats/factures/{invoice.pk}/", expected=A_SEES)
    for name in ("export-chorus.csv", "export-chorus.json"):
        assert_role_matrix(world, method="get", url=f"/achats/factures/{name}", expected=ALL_SEE)


def test_other_member_does_not_see_invoice_in_list_or_export(world, invoice, client):
    """Isolation: member B's manager sees neither the invoice nor its export row."""
    login_as(client, world.other_member)
    assert "F-1" not in client.get("/achats/factures/").content.decode()
    assert client.get("/achats/factures/export-chorus.json").json() == {"invoices": []}


def test_invoice_create_matrix(world, order):
    """Purchasing staff and the member's manager register invoices; agents and readers 403; member B 404."""

    def data(role):
        return {
            "number": f"F-{role}",
            "invoice_date": "2026-03-01",
            "received_on": "2026-03-02",
            "amount_ht": "300.00",
            "amount_vat": "60.00",
            "amount_ttc": "360.00",
        }

    assert_role_matrix(
        world,
        method="post",
        url=f"/achats/commandes/{order.pk}/factures/nouvelle/",
        data=data,
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 302, "staff": 302},
        state=lambda: rows(Invoice.objects.all()),
    )
    assert Invoice.objects.count() == 2


def test_invoice_form_inconsistent_amounts_400(world, order, client):
    """HT + TVA ≠ TTC: 400 with a French message, nothing written."""
    login_as(client, world.staff)
    response = client.post(
        f"/achats/commandes/{order.pk}/factures/nouvelle/",
        {
            "number": "F-9",
            "invoice_date": "2026-03-01",
            "received_on": "2026-03-02",
            "amount_ht": "600",
            "amount_vat": "120",
            "amount_ttc": "700",
        },
    )
    assert response.status_code == 400
    assert "égal au HT plus la TVA" in response.content.decode()
    assert Invoice.objects.count() == 0


def test_invoice_action_pages_matrix(world, invoice):
    """Pay and suspend pages: purchasing staff and member A's managers; agents/readers 403; member B 404."""
    expected = {"other_member": 404, "reader": 403, "agent": 403, "manager": 200, "staff": 200}
    assert_role_matrix(world, method="get", url=f"/achats/factures/{invoice.pk}/payer/", expected=expected)
    assert_role_matrix(world, method="get", url=f"/achats/factures/{invoice.pk}/suspendre/", expected=expected)


@override_settings(ECB_MAIN_REFINANCING_RATE="2.15")
def test_late_payment_shows_clock_and_interest(world, invoice, client):
    """Paid 21 April 2026, 20 days after the 1 April due date: the page explains the clock and shows 4,00 € of
    interest (720 × 10,15 % × 20 / 365) and the 40 € flat fee (R2192-31, D2192-35)."""
    login_as(client, world.manager)
    assert client.post(f"/achats/factures/{invoice.pk}/payer/", {"paid_on": "2026-04-21"}).status_code == 302
    page = client.get(f"/achats/factures/{invoice.pk}/").content.decode()
    assert "01/04/2026" in page and "R2192-12" in page and "R2192-31" in page
    assert "20 jours" in page and "4,00\xa0€" in page and "40,00\xa0€" in page
    invoice.refresh_from_db()
    assert (invoice.status, invoice.late_interest) == (InvoiceStatus.PAID, Decimal("4.00"))


def test_suspend_and_resume_pages(world, invoice, client):
    """R2192-29: suspension then resumption through the forms; the page shows the suspension and the new due date."""
    login_as(client, world.staff)
    response = client.post(f"/achats/factures/{invoice.pk}/suspendre/", {"started_on": "2026-03-10", "reason": ""})
    assert response.status_code == 400 and InvoiceSuspension.objects.count() == 0
    client.post(f"/achats/factures/{invoice.pk}/suspendre/", {"started_on": "2026-03-10", "reason": "RIB manquant"})
    assert client.post(f"/achats/factures/{invoice.pk}/reprendre/", {"ended_on": "2026-03-20"}).status_code == 302
    page = client.get(f"/achats/factures/{invoice.pk}/").content.decode()
    assert "du 10/03/2026 au 20/03/2026" in page and "11/04/2026" in page


def test_chorus_export_fields(world, invoice, client):
    """Chorus Pro export: supplier and buyer SIRET (SIREN and a note when the SIRET is missing), EJ, service code,
    amounts HT / TVA / TTC and the order lines — in JSON and CSV."""
    login_as(client, world.staff)
    record = client.get("/achats/factures/export-chorus.json").json()["invoices"][0]
    order = invoice.order
    assert record["supplier_siret"] == order.supplier.siret
    assert record["buyer_siret"] == world.member_a.siret
    assert (record["ej_number"], record["service_code"]) == ("EJ-2026-0042", "SERV-DSI")
    assert (record["amount_ht"], record["amount_vat"], record["amount_ttc"]) == ("600.00", "120.00", "720.00")
    assert record["lines"][0]["quantity"] == 2
    world.member_a.siret = ""
    world.member_a.save()
    record = client.get("/achats/factures/export-chorus.json").json()["invoices"][0]
    assert record["buyer_siret"] == "" and record["buyer_siren"] == world.member_a.siren and record["buyer_note"]
    csv_text = client.get("/achats/factures/export-chorus.csv").content.decode("utf-8-sig")
    header, first = csv_text.splitlines()[:2]
    assert "SIRET du fournisseur" in header and "Numéro EJ" in header and "Quantité" in header
    assert "F-1" in first and order.supplier.siret in first


def test_invoices_api(world, order):
    """/api/v1/invoices/: scoped reads with the clock; creation by purchasing staff and managers; pay action."""

    def data(role):
        return {
            "order": order.pk,
            "number": f"API-{role}",
            "invoice_date": "2026-03-01",
            "received_on": "2026-03-02",
            "amount_ht": "300.00",
            "amount_vat": "60.00",
            "amount_ttc": "360.00",
        }

    assert_role_matrix(
        world,
        method="post",
        url="/api/v1/invoices/",
        data=data,
        api=True,
        expected={"other_member": 400, "reader": 403, "agent": 403, "manager": 201, "staff": 201},
        state=lambda: rows(Invoice.objects.all()),
    )
    invoice = Invoice.objects.get(number="API-staff")
    assert_role_matrix(world, method="get", url=f"/api/v1/invoices/{invoice.pk}/", api=True, expected=A_SEES)
    assert_role_matrix(world, method="get", url="/api/v1/invoices/", api=True, expected=ALL_SEE)
    assert_role_matrix(
        world,
        method="post",
        url=f"/api/v1/invoices/{invoice.pk}/pay/",
        data={"paid_on": "2026-03-20"},
        api=True,
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 200, "staff": 403},
        state=lambda: rows(Invoice.objects.all()),
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_invoices_api_shows_clock(world, invoice, client):
    """Each invoice carries its computed clock (due date)."""
    login_as(client, world.reader)
    body = client.get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert body["clock"]["due_date"] == "2026-04-01"
    assert json.dumps(body)


def test_invoices_api_overdue_filter(world, invoice, client):
    """?overdue=true keeps only unpaid invoices past their due date."""
    login_as(client, world.staff)
    assert client.get("/api/v1/invoices/?overdue=true").json()["count"] == 1
    client.post(f"/api/v1/invoices/{invoice.pk}/pay/", {"paid_on": "2026-03-20"}, content_type="application/json")
    assert client.get("/api/v1/invoices/?overdue=true").json()["count"] == 0


def test_suspend_resume_pay_post_matrices(world, invoice):
    """POST suspend / resume / pay (pages and API): purchasing staff and member A's managers only."""
    state = lambda: (rows(Invoice.objects.all()), rows(InvoiceSuspension.objects.all()))  # noqa: E731
    refused = {"other_member": 404, "reader": 403, "agent": 403}
    assert_role_matrix(
        world,
        method="post",
        url=f"/achats/factures/{invoice.pk}/suspendre/",
        data={"started_on": "2026-03-05", "reason": "Attestation fiscale manquante"},
        expected=refused | {"manager": 302, "staff": 403},
        state=state,
    )
    assert_role_matrix(
        world,
        method="get",
        url=f"/achats/factures/{invoice.pk}/reprendre/",
        expected=refused | {"manager": 200, "staff": 200},
    )
    assert_role_matrix(
        world,
        method="post",
        url=f"/achats/factures/{invoice.pk}/reprendre/",
        data={"ended_on": "2026-03-08"},
        expected=refused | {"manager": 302, "staff": 403},
        state=state,
    )
    assert_role_matrix(
        world,
        method="post",
        url=f"/api/v1/invoices/{invoice.pk}/suspend/",
        api=True,
        data={"started_on": "2026-03-10", "reason": "Pièce manquante"},
        expected=refused | {"manager": 200, "staff": 403},
        state=state,
    )
    assert_role_matrix(
        world,
        method="post",
        url=f"/api/v1/invoices/{invoice.pk}/resume/",
        api=True,
        data={"ended_on": "2026-03-12"},
        expected=refused | {"manager": 200, "staff": 403},
        state=state,
    )
    assert_role_matrix(
        world,
        method="post",
        url=f"/achats/factures/{invoice.pk}/payer/",
        data={"paid_on": "2026-04-10"},
        expected=refused | {"manager": 302, "staff": 403},
        state=state,
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_on == D(2026, 4, 10)
    assert InvoiceSuspension.objects.filter(invoice=invoice, ended_on__isnull=False).count() == 2
