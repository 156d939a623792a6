"""Invoices: one status wording on the list and the invoice page, the suspension phrase only after a suspension
(issue 11, defect 8); the Chorus Pro export in French with decimal commas (defect 11)."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from mutualis.core.testing import login_as
from mutualis.purchasing.services.invoices import invoice_register, invoice_resume, invoice_suspend
from mutualis.purchasing.tests.builders import certified_order

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def ago(days):
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def late_invoice(world):
    """Invoice F-9 of 720 € TTC received 80 days ago on an order executed before: 50 days late, unpaid."""
    order = certified_order(world, tablets=2, delivered_on=ago(90), executed_on=ago(85))
    return invoice_register(
        order=order,
        number="F-9",
        invoice_date=ago(81),
        received_on=ago(80),
        amount_ht=Decimal("600"),
        amount_vat=Decimal("120"),
        amount_ttc=Decimal("720"),
        acting_user=world.manager,
    )


def manager_client(world):
    client = Client()
    login_as(client, world.manager)
    return client


def status_badge(page):
    start = page.index('<span class="badge')
    return page[start : page.index("</span>", start) + 7]


def test_late_invoice_is_late_on_the_list_and_on_its_page(world, late_invoice):
    """The list and the invoice page both say « En retard » (not « Reçue » on one of them)."""
    client = manager_client(world)
    listing = client.get("/achats/factures/").content.decode()
    listing = listing[listing.index("F-9") :]
    detail = client.get(f"/achats/factures/{late_invoice.pk}/").content.decode()
    detail = detail[detail.index("<dt>Statut</dt>") :]
    assert status_badge(listing) == status_badge(detail)
    assert "En retard" in status_badge(detail) and "badge-danger" in status_badge(detail)
    assert "Reçue" not in status_badge(detail)


def test_suspension_phrase_only_when_the_clock_was_suspended(world, late_invoice):
    """Without suspension the due date says 30 days, no « plus 0 jour(s) »; after 10 days suspended it adds them."""
    client = manager_client(world)
    page = client.get(f"/achats/factures/{late_invoice.pk}/").content.decode()
    assert "30 jours (article R2192-10)." in page and "de suspension" not in page and "jour(s)" not in page
    invoice_suspend(invoice=late_invoice, started_on=ago(70), reason="RIB manquant", acting_user=world.manager)
    invoice_resume(invoice=late_invoice, ended_on=ago(60), acting_user=world.manager)
    page = client.get(f"/achats/factures/{late_invoice.pk}/").content.decode()
    assert "30 jours (article R2192-10) plus 10 jours de suspension." in page


def test_chorus_csv_speaks_french_with_decimal_commas(world, late_invoice):
    """The CSV has French headers, the French status and decimal commas, like every CSV export; the JSON keeps its
    keys and codes for programs and adds the French status."""
    client = manager_client(world)
    rows = client.get("/achats/factures/export-chorus.csv").content.decode("utf-8-sig").splitlines()
    header, first = (row.split(";") for row in rows[:2])
    record = dict(zip(header, first, strict=True))
    assert record["Numéro de facture"] == "F-9" and record["Statut"] == "Reçue"
    assert (record["Montant HT (€)"], record["TVA (€)"], record["Montant TTC (€)"]) == ("600,00", "120,00", "720,00")
    assert record["Prix unitaire HT (€)"] == "300,0000" and record["Taux de TVA (%)"] == "20,00"
    assert record["Montant HT de la ligne (€)"] == "600,00" and record["Quantité"] == "2"
    assert not any(name.isascii() and "_" in name for name in header)  # no code names left as headers
    data = client.get("/achats/factures/export-chorus.json").json()["invoices"][0]
    assert (data["status"], data["status_label"], data["amount_ttc"]) == ("received", "Reçue", "720.00")
