"""The consolidated purchase order as a PDF: operator staff download it, it reads as the order sent to the
supplier (number, holder, items, members, totals in French format); nobody else reaches it."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from mutualis.core.money import euros
from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.selectors.orders import consolidated_totals
from mutualis.purchasing.services import consolidation as consolidation_services
from mutualis.purchasing.services import orders as services
from mutualis.purchasing.tests.factories import CatalogueItemFactory, order_for

pytestmark = pytest.mark.django_db

MEMBERS_404 = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404}


@pytest.fixture
def consolidation(world):
    """Two validated orders of member A (3 and 2 tablets at 1 234,50 € HT) consolidated by the operator."""
    item = CatalogueItemFactory(label="Tablette durcie élève", price=Decimal("1234.50"))
    for quantity in (3, 2):
        order = order_for(
            member=world.member_a, user=world.agent, item=item, site=world.site_a, quantity=quantity, submit=True
        )
        services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    return consolidation_services.consolidated_order_create(
        lot=item.lot, supplier=order.supplier, acting_user=world.staff
    )


def pdf_text(content: bytes) -> str:
    """The text of every page, spaces normalised (amounts use no-break spaces)."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_staff_download_the_consolidated_order_as_pdf(world, consolidation):
    """The PDF names the order, the holder, the items, the members and the totals HT / TVA / TTC in French."""
    client = Client()
    login_as(client, world.staff)
    response = client.get(reverse("purchasing:consolidation_pdf", args=[consolidation.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{consolidation.number}.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    totals = consolidated_totals(consolidation=consolidation)
    assert totals == {"ht": Decimal("6172.50"), "vat": Decimal("1234.50"), "ttc": Decimal("7407.00")}
    assert f"Bon de commande groupé {consolidation.number}" in text
    assert consolidation.supplier.name in text
    assert "Tablette durcie élève" in text
    assert world.member_a.name in text
    assert euros(totals["ttc"]) == "7\u202f407,00\u00a0€"
    assert "7 407,00 €" in text
    assert "Page 1 sur 1" in text


def test_detail_page_links_to_the_pdf(world, consolidation):
    """The printable page offers the PDF next to the CSV."""
    client = Client()
    login_as(client, world.staff)
    page = client.get(reverse("purchasing:consolidation_detail", args=[consolidation.pk])).content.decode()
    assert reverse("purchasing:consolidation_pdf", args=[consolidation.pk]) in page
    assert "Télécharger le bon de commande (PDF)" in page


def test_consolidated_order_pdf_role_matrix(world, consolidation):
    """Only operator staff download the PDF; members' users get 404, anonymous visitors go to the login page."""
    assert_role_matrix(
        world,
        method="get",
        url=reverse("purchasing:consolidation_pdf", args=[consolidation.pk]),
        expected={**MEMBERS_404, "staff": 200},
    )
