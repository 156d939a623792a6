"""Rules of the order services: the basket, frozen prices, references, the workflow, the lot maximum and its alerts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.models import Notification
from mutualis.members.tests.factories import SiteFactory
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import ItemPrice, Lot, LotAlert, Order, OrderLine, OrderTransition
from mutualis.purchasing.services import orders as services
from mutualis.purchasing.tests.factories import (
    CatalogueItemFactory,
    LotFactory,
    MemberPurchasingSettingsFactory,
    order_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def item():
    """A tablet at 300 € HT (list price 400 €) in a lot whose maximum is 10 000 € HT."""
    return CatalogueItemFactory(lot=LotFactory(max_amount_ht=Decimal("10000.00"), min_amount_ht=None))


def submitted(world, item, quantity=1):
    return order_for(
        member=world.member_a, user=world.agent, item=item, site=world.site_a, quantity=quantity, submit=True
    )


def test_basket_add_opens_one_draft_per_member_and_lot(world, item):
    """Adding items of the same lot twice fills one draft order to the lot's first-ranked holder."""
    services.basket_add(member=world.member_a, item=item, quantity=2, acting_user=world.agent)
    services.basket_add(member=world.member_a, item=item, quantity=3, acting_user=world.agent)
    order = Order.objects.get()
    assert order.status == OrderStatus.DRAFT
    assert order.supplier == item.lot.lot_holders.get(rank=1).supplier
    assert order.number.startswith("BC-") and len(order.number) == len("BC-2026-000123")
    line = order.lines.get()
    assert line.quantity == 5
    assert (order.total_ht, order.total_vat, order.total_ttc) == (Decimal("1500"), Decimal("300"), Decimal("1800"))
    assert order.list_total_ht == Decimal("2000")


def test_line_prices_are_frozen_when_added(world, item):
    """A line keeps the price, VAT rate and list price copied when it was added, whatever amendments say later."""
    order = order_for(member=world.member_a, user=world.agent, item=item)
    ItemPrice.objects.create(item=item, unit_price_ht=Decimal("250"), effective_from=datetime.date(2026, 1, 1))
    item.vat_rate, item.list_price_ht = Decimal("5.5"), Decimal("999")
    item.save()
    line = OrderLine.objects.get(order=order)
    frozen = line.unit_price_ht
    assert frozen == Decimal("300")
    services.order_line_update(line=line, quantity=4, acting_user=world.agent)
    line.refresh_from_db()
    assert (line.unit_price_ht, line.vat_rate, line.list_price_ht) == (frozen, Decimal("20.00"), Decimal("400"))


def test_readers_and_other_members_cannot_fill_a_basket(world, item):
    """Only agents and managers of the member order for it; nothing is created otherwise."""
    for user in (world.reader, world.other_member, world.staff):
        with pytest.raises(PermissionDenied):
            services.basket_add(member=world.member_a, item=item, quantity=1, acting_user=user)
    assert not Order.objects.exists()


def test_member_without_central_purchasing_cannot_order(world, item):
    """A member that has not transferred the central purchasing competence cannot order."""
    with pytest.raises(ValidationError):
        services.basket_add(member=world.member_b, item=item, quantity=1, acting_user=world.other_member)
    assert not Order.objects.exists()


def test_agreement_restricted_to_other_kinds_is_closed(world):
    """An agreement restricted to départements is not open to a commune."""
    item = CatalogueItemFactory(lot=LotFactory(agreement__allowed_member_kinds=["departement"]))
    with pytest.raises(ValidationError):
        services.basket_add(member=world.member_a, item=item, quantity=1, acting_user=world.agent)


def test_ej_and_service_code_required_when_member_says_so(world, item):
    """When the member requires an EJ number and a Chorus service code, the order cannot be saved without them."""
    MemberPurchasingSettingsFactory(member=world.member_a, requires_ej=True, requires_service_code=True)
    order = order_for(member=world.member_a, user=world.agent, item=item)
    with pytest.raises(ValidationError) as exc:
        services.order_update(order=order, site=world.site_a, internal_reference="X", acting_user=world.agent)
    assert set(exc.value.message_dict) == {"ej_number", "service_code"}
    order.refresh_from_db()
    assert order.site is None and order.internal_reference == ""
    services.order_update(
        order=order, site=world.site_a, ej_number="EJ123", service_code="SERV-1", acting_user=world.agent
    )
    order.refresh_from_db()
    assert order.ej_number == "EJ123"


def test_site_must_belong_to_the_member(world, item):
    """The delivery site is one of the member's active sites."""
    order = order_for(member=world.member_a, user=world.agent, item=item)
    with pytest.raises(ValidationError) as exc:
        services.order_update(order=order, site=world.site_b, acting_user=world.agent)
    assert "site" in exc.value.message_dict
    closed = SiteFactory(member=world.member_a, is_active=False)
    with pytest.raises(ValidationError):
        services.order_update(order=order, site=closed, acting_user=world.agent)


def test_submission_needs_a_line_and_a_site(world, item):
    """An order without a delivery site (or without lines) cannot be submitted."""
    order = order_for(member=world.member_a, user=world.agent, item=item)
    with pytest.raises(ValidationError) as exc:
        services.order_transition(order=order, to_status=OrderStatus.SUBMITTED, acting_user=world.agent)
    assert "site" in exc.value.message_dict
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT


def test_below_threshold_goes_straight_to_operator_validation(world, item):
    """Under the member's approval threshold a submitted order is validated by the operator, with no approval."""
    MemberPurchasingSettingsFactory(member=world.member_a, approval_threshold_ht=Decimal("5000"))
    order = submitted(world, item, quantity=2)
    assert order.status == OrderStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.order_transition(order=order, to_status=OrderStatus.APPROVED, acting_user=world.manager)
    order = services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    assert order.status == OrderStatus.VALIDATED and order.validated_at is not None
    assert Lot.objects.get(pk=item.lot_id).consumed_amount_ht == Decimal("600")


def test_above_threshold_waits_for_a_manager(world, item):
    """Above the threshold, a member manager approves before the operator validates; managers are notified."""
    MemberPurchasingSettingsFactory(member=world.member_a, approval_threshold_ht=Decimal("500"))
    order = submitted(world, item, quantity=2)
    assert Notification.objects.filter(recipient=world.manager, kind="purchasing.order_approval").exists()
    with pytest.raises(PermissionDenied):
        services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    with pytest.raises(PermissionDenied):
        services.order_transition(order=order, to_status=OrderStatus.APPROVED, acting_user=world.agent)
    order = services.order_transition(order=order, to_status=OrderStatus.APPROVED, acting_user=world.manager)
    assert Notification.objects.filter(recipient=world.agent, kind="purchasing.order_decision").count() == 1
    order = services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    assert order.status == OrderStatus.VALIDATED


def test_transitions_outside_the_workflow_are_refused(world, item):
    """A draft cannot be validated, nor a validated order go back to draft."""
    order = order_for(member=world.member_a, user=world.agent, item=item)
    with pytest.raises(ValidationError):
        services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    with pytest.raises(ValidationError):
        services.order_transition(order=order, to_status=OrderStatus.PAID, acting_user=world.agent)
    assert OrderTransition.objects.filter(order=order).count() == 1  # only its creation


def test_rejection_and_cancellation_need_a_reason(world, item):
    """Rejecting or cancelling an order requires a reason, recorded with who and when."""
    order = submitted(world, item)
    with pytest.raises(ValidationError) as exc:
        services.order_transition(order=order, to_status=OrderStatus.REJECTED, acting_user=world.staff)
    assert "reason" in exc.value.message_dict
    order = services.order_transition(
        order=order, to_status=OrderStatus.REJECTED, acting_user=world.staff, reason="Hors besoin"
    )
    last = order.transitions.last()
    assert (last.from_status, last.to_status, last.acting_user, last.reason) == (
        OrderStatus.SUBMITTED,
        OrderStatus.REJECTED,
        world.staff,
        "Hors besoin",
    )


def test_other_staff_roles_cannot_validate(world, item):
    """Only purchasing officers (and administrators) validate orders."""
    order = submitted(world, item)
    with pytest.raises(PermissionDenied):
        services.order_transition(
            order=order, to_status=OrderStatus.VALIDATED, acting_user=StaffFactory(staff_role="network_officer")
        )
    officer = StaffFactory(staff_role="purchasing_officer")
    assert services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=officer).status == (
        OrderStatus.VALIDATED
    )


def test_maximum_refused_with_nothing_changed(world, item):
    """CCP R2162-4: validation is refused when the order would pass the lot's maximum, and nothing changes."""
    Lot.objects.filter(pk=item.lot_id).update(consumed_amount_ht=Decimal("9800"))
    order = submitted(world, item)  # 300 € HT, 200 € left
    with pytest.raises(ValidationError) as exc:
        services.order_transition(order=order, to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    assert "R2162-4" in exc.value.messages[0]
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED and order.validated_at is None
    assert Lot.objects.get(pk=item.lot_id).consumed_amount_ht == Decimal("9800")
    assert not LotAlert.objects.exists()


def test_alerts_are_raised_once_at_80_and_95_percent(world, item):
    """The operator is warned once when a lot reaches 80 % and once at 95 % of its maximum."""
    Lot.objects.filter(pk=item.lot_id).update(consumed_amount_ht=Decimal("7800"))
    services.order_transition(order=submitted(world, item), to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    assert list(LotAlert.objects.values_list("kind", flat=True)) == [LotAlert.Kind.MAX_80]
    assert Notification.objects.filter(recipient=world.staff, kind="purchasing.lot_alert").count() == 1
    services.order_transition(order=submitted(world, item), to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    assert LotAlert.objects.count() == 1  # 8 400: still between 80 and 95 %
    services.order_transition(
        order=submitted(world, item, quantity=4), to_status=OrderStatus.VALIDATED, acting_user=world.staff
    )
    assert sorted(LotAlert.objects.values_list("kind", flat=True)) == [LotAlert.Kind.MAX_80, LotAlert.Kind.MAX_95]
    # Going down and up again (a cancellation, then a new order) raises nothing new.
    order = Order.objects.filter(status=OrderStatus.VALIDATED).last()
    services.order_transition(order=order, to_status=OrderStatus.CANCELLED, acting_user=world.staff, reason="Erreur")
    services.order_transition(order=submitted(world, item), to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    assert LotAlert.objects.count() == 2


def test_minimum_out_of_reach_raises_an_alert(world):
    """The operator is warned when, at the current pace, a lot's minimum will not be reached before its end."""
    item = CatalogueItemFactory(lot=LotFactory(min_amount_ht=Decimal("400000")))
    services.order_transition(order=submitted(world, item), to_status=OrderStatus.VALIDATED, acting_user=world.staff)
    assert LotAlert.objects.filter(kind=LotAlert.Kind.MIN_UNREACHABLE).count() == 1


def test_cancelling_a_validated_order_gives_its_amount_back(world, item):
    """Cancelling a validated order (not yet sent) frees its amount on the lot's maximum."""
    order = services.order_transition(
        order=submitted(world, item, quantity=3), to_status=OrderStatus.VALIDATED, acting_user=world.staff
    )
    assert Lot.objects.get(pk=item.lot_id).consumed_amount_ht == Decimal("900")
    services.order_transition(order=order, to_status=OrderStatus.CANCELLED, acting_user=world.manager, reason="Doublon")
    assert Lot.objects.get(pk=item.lot_id).consumed_amount_ht == Decimal("0")


def test_lines_cannot_change_after_submission(world, item):
    """Lines of a submitted order are frozen."""
    order = submitted(world, item)
    with pytest.raises(ValidationError):
        services.order_line_update(line=order.lines.get(), quantity=9, acting_user=world.agent)
    assert order.lines.get().quantity == 1


def _second_holder(item):
    from mutualis.purchasing.models import LotHolder
    from mutualis.purchasing.tests.factories import SupplierFactory

    return LotHolder.objects.create(lot=item.lot, supplier=SupplierFactory(name="Second titulaire"), rank=2).supplier


def test_a_lower_ranked_holder_needs_a_reason_in_the_note(world, item):
    """A multi-holder lot orders from its first-ranked holder; choosing the second needs the reason in the note,
    and a supplier holding no share of the lot is refused — nothing changes when refused."""
    second = _second_holder(item)
    order = order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a)
    first = order.supplier
    with pytest.raises(ValidationError) as exc:
        services.order_update(order=order, supplier=second, acting_user=world.agent)
    assert "note" in exc.value.message_dict
    assert Order.objects.get(pk=order.pk).supplier == first
    outsider = CatalogueItemFactory().lot.lot_holders.get().supplier
    with pytest.raises(ValidationError) as exc:
        services.order_update(order=order, supplier=outsider, note="Rupture", acting_user=world.agent)
    assert exc.value.message_dict["supplier"] == ["Ce fournisseur n'est pas titulaire du lot."]
    services.order_update(
        order=order, supplier=second, note="Titulaire n°1 en rupture de stock jusqu'en mars.", acting_user=world.agent
    )
    assert Order.objects.get(pk=order.pk).supplier == second


def test_submission_of_a_lower_ranked_holder_order_without_reason_is_refused(world, item):
    """An order opened (e.g. through the API) to the second-ranked holder cannot be submitted without a reason."""
    second = _second_holder(item)
    order = services.order_create(
        member=world.member_a, lot=item.lot, supplier=second, site=world.site_a, acting_user=world.agent
    )
    services.order_line_add(order=order, item=item, quantity=1, acting_user=world.agent)
    with pytest.raises(ValidationError) as exc:
        services.order_transition(order=order, to_status=OrderStatus.SUBMITTED, acting_user=world.agent)
    assert "note" in exc.value.message_dict
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DRAFT


def test_the_manager_gets_the_approval_request_by_email(world, item, django_capture_on_commit_callbacks):
    """An order above the threshold reaches the member's manager by e-mail too, with the link to the order."""
    from django.core import mail

    MemberPurchasingSettingsFactory(member=world.member_a, approval_threshold_ht=Decimal("500"))
    with django_capture_on_commit_callbacks(execute=True):
        order = submitted(world, item, quantity=2)
    to_manager = [message for message in mail.outbox if message.to == [world.manager.email]]
    assert len(to_manager) == 1
    assert order.number in to_manager[0].subject and f"/achats/commandes/{order.pk}/" in to_manager[0].body
