"""The order page links what follows the order (deliveries, invoices, consolidated order, history), and the
validation queue says why an order has no « Valider », in compact rows (issue 11, defects 1 and 10)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.testing import login_as
from mutualis.purchasing.models import ConsolidatedOrder, Order
from mutualis.purchasing.services.deliveries import service_certify
from mutualis.purchasing.services.invoices import invoice_register
from mutualis.purchasing.tests.builders import deliver_all, sent_order
from mutualis.purchasing.tests.factories import CatalogueItemFactory, MemberPurchasingSettingsFactory, order_for

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
# A digit, an ordinary space, then the unit: an amount or a percentage the browser may wrap apart from its unit.
WRAPPABLE_UNIT = re.compile(r"\d [€%]")


def page_for(user, url):
    client = Client()
    login_as(client, user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def consolidated(order):
    """Attach the sent order to a consolidated purchase order, as consolidation does."""
    consolidation = ConsolidatedOrder.objects.create(number="CG-TEST-0001", lot=order.lot, supplier=order.supplier)
    Order.objects.filter(pk=order.pk).update(consolidation=consolidation)
    return consolidation


def invoiced_order(world, *, number, days_ago):
    """A sent order of member A delivered `days_ago` days ago, certified the day after, invoiced (720 € TTC)."""
    order = sent_order(world, tablets=2)
    deliver_all(order, world.agent, on=TODAY - datetime.timedelta(days=days_ago))
    service_certify(order=order, execution_date=TODAY - datetime.timedelta(days=days_ago - 1), acting_user=world.agent)
    invoice = invoice_register(
        order=order,
        number=number,
        invoice_date=TODAY - datetime.timedelta(days=days_ago - 2),
        received_on=TODAY - datetime.timedelta(days=days_ago - 3),
        amount_ht=Decimal("600"),
        amount_vat=Decimal("120"),
        amount_ttc=Decimal("720"),
        acting_user=world.manager,
    )
    return order, invoice


def test_sent_order_page_links_deliveries_for_those_who_record_them(world):
    """A sent order: the agent, the manager and the buyer get « Livraisons » (they record deliveries); a reader,
    with nothing delivered yet, does not; the buyer also gets the consolidated order and the audit log."""
    order = sent_order(world, tablets=2)
    consolidation = consolidated(order)
    buyer = StaffFactory(staff_role="purchasing_officer")
    deliveries = reverse("purchasing:delivery_list", args=[order.pk])
    url = reverse("purchasing:order_detail", args=[order.pk])
    for user in (world.agent, world.manager, buyer):
        page = page_for(user, url)
        assert f'href="{deliveries}">Livraisons</a>' in page
        assert 'href="#history-title">Historique</a>' in page
    reader = page_for(world.reader, url)
    assert deliveries not in reader and 'href="#history-title"' in reader
    staff = page_for(buyer, url)
    assert reverse("purchasing:consolidation_detail", args=[consolidation.pk]) in staff
    assert f"{reverse('core:audit_list')}?q={order.number}" in staff
    member = page_for(world.manager, url)
    assert consolidation.number in member  # named, not linked: its page is the operator's
    assert reverse("purchasing:consolidation_detail", args=[consolidation.pk]) not in member
    assert reverse("core:audit_list") not in member


def test_delivered_and_invoiced_order_links_deliveries_and_invoice_for_everyone(world):
    """Once delivered and invoiced, every user of the member (the reader too) finds the deliveries and the invoice
    from the order page."""
    order, invoice = invoiced_order(world, number="F-77", days_ago=20)
    url = reverse("purchasing:order_detail", args=[order.pk])
    for user in (world.reader, world.agent, world.manager):
        page = page_for(user, url)
        assert f'href="{reverse("purchasing:delivery_list", args=[order.pk])}">Livraisons</a>' in page
        assert "(1 reçue)" in page
        assert f'href="{reverse("purchasing:invoice_detail", args=[invoice.pk])}">Facture n° F-77</a>' in page


def test_validation_queue_says_why_an_order_has_no_validate_button(world):
    """An order above its member's approval threshold waits for the member's manager: the queue says so instead of
    « Valider »; the order below it has its small « Valider » button; a staff member who is not a buyer is told
    validation is the buyers'."""
    MemberPurchasingSettingsFactory(member=world.member_a, approval_threshold_ht=Decimal("500.00"))
    item = CatalogueItemFactory(price=Decimal("300"))
    waiting = order_for(member=world.member_a, user=world.agent, item=item, quantity=2, site=world.site_a, submit=True)
    ready = order_for(member=world.member_a, user=world.agent, item=item, quantity=1, site=world.site_a, submit=True)
    url = reverse("purchasing:backoffice_order_list")
    page = page_for(world.staff, url)
    row = {
        order: page[page.index(order.number) : page.index("</tr>", page.index(order.number))]
        for order in (waiting, ready)
    }
    assert "En attente d&#x27;approbation par l&#x27;adhérent." in row[waiting]
    assert "Valider" not in row[waiting]
    assert "En attente" not in row[ready]
    assert f'class="button button-small">Valider<span class="visually-hidden"> {ready.number}</span>' in row[ready]
    assert "600,00\xa0€" in row[waiting] and not WRAPPABLE_UNIT.search(page)
    education = page_for(StaffFactory(staff_role="education_officer"), url)
    assert "Validation réservée aux acheteurs de la centrale." in education
    assert ">Valider<" not in education


def test_amounts_and_percentages_are_never_wrapped_from_their_unit(world):
    """Order, queue, invoice and catalogue pages write « € » and « % » after a no-break space."""
    order, invoice = invoiced_order(world, number="F-78", days_ago=60)
    item = order.lines.get().item
    urls = [
        reverse("purchasing:order_detail", args=[order.pk]),
        reverse("purchasing:delivery_list", args=[order.pk]),
        reverse("purchasing:invoice_list"),
        reverse("purchasing:invoice_detail", args=[invoice.pk]),
        reverse("purchasing:invoice_pay", args=[invoice.pk]),
        reverse("purchasing:catalogue_item", args=[item.pk]),
        reverse("purchasing:backoffice_order_list"),
        reverse("purchasing:backoffice_agreement_detail", args=[item.lot.agreement_id]),
        reverse("purchasing:operator_dashboard"),
    ]
    for url in urls:
        page = page_for(world.staff, url)
        assert not WRAPPABLE_UNIT.search(page), (url, WRAPPABLE_UNIT.findall(page))
    assert "720,00\xa0€" in page_for(world.staff, urls[3]) and "20,0\xa0%" in page_for(world.staff, urls[0])
