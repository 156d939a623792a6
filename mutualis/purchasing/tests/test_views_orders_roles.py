"""Role matrix over every ordering page (members' harness): each role gets the status its rights allow, and a
refused request changes nothing."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from mutualis.members.testing import assert_role_matrix, rows
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import ConsolidatedOrder, Lot, Order, OrderLine
from mutualis.purchasing.services import consolidation as consolidation_services
from mutualis.purchasing.services import orders as services
from mutualis.purchasing.tests.factories import CatalogueItemFactory, order_for

pytestmark = pytest.mark.django_db

ALL_200 = {"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}
MEMBERS_404 = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404}


def state():
    return (
        rows(Order.objects.all())
        + rows(OrderLine.objects.all())
        + rows(Lot.objects.all())
        + rows(ConsolidatedOrder.objects.all())
    )


@pytest.fixture
def shop(world):
    """An item member A may order, a draft order of A's agent and a consolidated order."""
    item = CatalogueItemFactory()
    draft = order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a)
    sent = order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a, submit=True)
    services.order_transition(order=sent, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    consolidation = consolidation_services.consolidated_order_create(
        lot=item.lot, supplier=sent.supplier, acting_user=world.staff
    )
    return SimpleNamespace(item=item, draft=draft, consolidation=consolidation)


def fresh_draft(world, shop):
    return order_for(member=world.member_a, user=world.agent, item=shop.item, site=world.site_a)


def test_catalogue_is_open_to_every_signed_in_user(world, shop):
    """Everyone signed in reaches the catalogue; it lists only what their members may order."""
    assert_role_matrix(world, method="get", url=reverse("purchasing:catalogue"), expected=ALL_200)


def test_item_page_is_for_members_allowed_to_order_it(world, shop):
    """An item is shown to users of members that may order it and to operator staff; others get 404."""
    url = reverse("purchasing:catalogue_item", args=[shop.item.pk])
    assert_role_matrix(world, method="get", url=url, expected={**ALL_200, "other_member": 404})


def test_basket_add_is_for_agents_and_managers(world, shop):
    """Only agents and managers of an allowed member put items in a basket; refusals change nothing."""
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:basket_add", args=[shop.item.pk]),
        data={"member": world.member_a.pk, "quantity": 2},
        expected={"other_member": 404, "reader": 403, "agent": 302, "manager": 302, "staff": 403},
        state=state,
    )


def test_basket_and_order_list_are_open_and_scoped(world, shop):
    """The basket and the order list are reachable by every signed-in user, showing only their own orders."""
    assert_role_matrix(world, method="get", url=reverse("purchasing:basket"), expected=ALL_200)
    assert_role_matrix(world, method="get", url=reverse("purchasing:order_list"), expected=ALL_200)


def test_order_page_is_for_the_member_and_staff(world, shop):
    """An order is seen by its member's users and operator staff; another member gets 404."""
    url = reverse("purchasing:order_detail", args=[shop.draft.pk])
    assert_role_matrix(world, method="get", url=url, expected={**ALL_200, "other_member": 404})


def test_order_references_are_edited_by_agents_and_managers(world, shop):
    """Agents and managers of the member edit a draft's site and references; refusals change nothing."""
    url = reverse("purchasing:order_update", args=[shop.draft.pk])
    expected = {"other_member": 404, "reader": 403, "agent": 200, "manager": 200, "staff": 403}
    assert_role_matrix(world, method="get", url=url, expected=expected)
    assert_role_matrix(
        world,
        method="post",
        url=url,
        data={"site": world.site_a.pk, "internal_reference": "Collège Hoche"},
        expected={**expected, "agent": 302, "manager": 302},
        state=state,
    )


def test_lines_are_edited_by_agents_and_managers(world, shop):
    """Agents and managers change quantities and remove lines of a draft; refusals change nothing."""
    line = shop.draft.lines.get()
    expected = {"other_member": 404, "reader": 403, "agent": 302, "manager": 302, "staff": 403}
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:order_line_update", args=[shop.draft.pk, line.pk]),
        data={f"line-{line.pk}-quantity": 3},
        expected=expected,
        state=state,
    )

    def remove_url(role):
        order = fresh_draft(world, shop)
        return reverse("purchasing:order_line_remove", args=[order.pk, order.lines.get().pk])

    assert_role_matrix(world, method="post", url=remove_url, expected=expected, state=state)


def test_submission_is_for_agents_and_managers(world, shop):
    """Agents and managers submit their member's drafts; readers, staff and other members cannot."""

    def url(role):
        return reverse("purchasing:order_transition", args=[fresh_draft(world, shop).pk])

    assert_role_matrix(
        world,
        method="post",
        url=url,
        data={"to_status": "submitted"},
        expected={"other_member": 404, "reader": 403, "agent": 302, "manager": 302, "staff": 403},
        state=state,
    )


def test_validation_is_for_purchasing_staff(world, shop):
    """Only purchasing staff validate a submitted order; the member's users cannot validate their own."""

    def url(role):
        order = order_for(member=world.member_a, user=world.agent, item=shop.item, site=world.site_a, submit=True)
        return reverse("purchasing:order_transition", args=[order.pk])

    assert_role_matrix(
        world,
        method="post",
        url=url,
        data={"to_status": "validated"},
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 403, "staff": 302},
        state=state,
    )


def test_backoffice_pages_are_for_operator_staff(world, shop):
    """The validation queue and consolidation pages exist only for operator staff; members' users get 404."""
    expected = {**MEMBERS_404, "staff": 200}
    for name, args in (
        ("purchasing:backoffice_order_list", []),
        ("purchasing:consolidation_list", []),
        ("purchasing:consolidation_detail", [shop.consolidation.pk]),
        ("purchasing:consolidation_export", [shop.consolidation.pk]),
    ):
        assert_role_matrix(world, method="get", url=reverse(name, args=args), expected=expected)


def test_consolidation_confirmation_is_for_purchasing_staff(world, shop):
    """The page that shows what a consolidation will send is for purchasing staff only; members get 404."""
    order = order_for(member=world.member_a, user=world.agent, item=shop.item, site=world.site_a, submit=True)
    services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    url = reverse("purchasing:consolidation_create") + f"?lot={shop.item.lot_id}&supplier={order.supplier_id}"
    assert_role_matrix(world, method="get", url=url, expected={**MEMBERS_404, "staff": 200})
    assert Order.objects.get(pk=order.pk).status == OrderStatus.VALIDATED


def test_consolidation_is_created_by_purchasing_staff(world, shop):
    """Only purchasing staff create a consolidated purchase order; refusals change nothing."""
    order = order_for(member=world.member_a, user=world.agent, item=shop.item, site=world.site_a, submit=True)
    services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:consolidation_create"),
        data={"lot": shop.item.lot_id, "supplier": order.supplier_id},
        expected={**MEMBERS_404, "staff": 302},
        state=state,
    )
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SENT
