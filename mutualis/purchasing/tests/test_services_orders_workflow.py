"""The order workflow table (`choices.ORDER_WORKFLOW`) walked cell by cell: each step it opens to a role is shown
as an ability and accepted by the service; every other step is refused with a French message and changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.models import AuditEntry
from mutualis.members.testing import rows
from mutualis.purchasing.choices import (
    FULFILMENT_STATUSES,
    THRESHOLD_STATUSES,
    OrderRole,
    OrderStatus,
    order_next_statuses,
)
from mutualis.purchasing.models import Lot, Order, OrderTransition
from mutualis.purchasing.permissions import STEP_ABILITIES, get_abilities, order_allowed_transitions
from mutualis.purchasing.services import orders as services
from mutualis.purchasing.tests.factories import CatalogueItemFactory, MemberPurchasingSettingsFactory, order_for

pytestmark = pytest.mark.django_db

# The user of the world who holds each role on member A's orders (the operator administrator holds every staff
# role, purchasing officer included).
PEOPLE = {OrderRole.MEMBER_AGENT: "agent", OrderRole.MEMBER_MANAGER: "manager", OrderRole.PURCHASING: "staff"}
# The French refusals of the service: outside the workflow, not for this user, or a fact to record.
REFUSALS = (
    "ne peut pas passer au statut demandé",
    "Vous ne pouvez pas effectuer ce changement de statut",
    "Ce statut s'obtient en enregistrant",
)


@pytest.fixture
def item():
    """A 300 € HT tablet in a lot with room under its maximum."""
    return CatalogueItemFactory()


def order_in(world, item, status):
    """A draft of member A (one line, a delivery site) put straight into `status`."""
    order = order_for(member=world.member_a, user=world.agent, item=item, site=world.site_a)
    Order.objects.filter(pk=order.pk).update(status=status)
    return Order.objects.get(pk=order.pk)


def state():
    return (
        rows(Order.objects.all())
        + rows(OrderTransition.objects.all())
        + rows(Lot.objects.all())
        + rows(AuditEntry.objects.all())
    )


def assert_refused(call):
    """The call is refused with one of the service's French messages and leaves every row as it was."""
    before = state()
    with pytest.raises((ValidationError, PermissionDenied)) as refused:
        call()
    error = refused.value
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    assert any(refusal in text for refusal in REFUSALS), text
    assert state() == before


# Every (status, role) cell, twice where the member's approval threshold decides (above it and within it).
CELLS = [
    pytest.param(status, role, above, id=f"{status}-{role}" + ("-above_threshold" if above else ""))
    for status in OrderStatus.values
    for role in PEOPLE
    for above in ([False, True] if status in THRESHOLD_STATUSES else [False])
]


@pytest.mark.parametrize(("status", "role", "above_threshold"), CELLS)
def test_every_cell_of_the_workflow_table(world, item, status, role, above_threshold):
    """For each status and role, the steps the table opens are the abilities shown and are accepted by the
    service; every other status asked for is refused with a French message, and nothing changes."""
    if above_threshold:  # every order of member A is then above its approval threshold
        MemberPurchasingSettingsFactory(member=world.member_a, approval_threshold_ht=Decimal("1"))
    user = getattr(world, PEOPLE[role])
    open_steps = order_next_statuses(status, {role}, above_threshold=above_threshold)
    order = order_in(world, item, status)

    assert order_allowed_transitions(user=user, order=order) == open_steps
    abilities = get_abilities(user, order)
    assert abilities["transition"] == bool(open_steps)
    assert {step for step, ability in STEP_ABILITIES.items() if abilities[ability]} == open_steps

    for target in OrderStatus.values:
        if target in open_steps:
            moved = services.order_transition(
                order=order_in(world, item, status), to_status=target, acting_user=user, reason="Essai du tableau"
            )
            assert moved.status == target
            assert moved.transitions.order_by("pk").last().from_status == status
        else:
            assert_refused(
                lambda target=target: services.order_transition(
                    order=order, to_status=target, acting_user=user, reason="Essai du tableau"
                )
            )


@pytest.mark.parametrize("status", OrderStatus.values)
def test_fulfilment_steps_follow_the_table(world, item, status):
    """The step a recorded fact implies (delivery, service fait, invoice, payment) is taken only where the table
    opens it to fulfilment; elsewhere it is refused with a French message and nothing changes."""
    open_steps = order_next_statuses(status, {OrderRole.FULFILMENT}, above_threshold=False)
    assert open_steps <= FULFILMENT_STATUSES
    order = order_in(world, item, status)
    for target in sorted(FULFILMENT_STATUSES):
        if target in open_steps:
            moved = services.order_fulfilment_transition(
                order=order_in(world, item, status), to_status=target, acting_user=world.staff
            )
            assert moved.status == target
        else:
            assert_refused(
                lambda target=target: services.order_fulfilment_transition(
                    order=order, to_status=target, acting_user=world.staff
                )
            )


@pytest.mark.parametrize("who", ["reader", "other_member", "network_officer"])
def test_users_without_a_workflow_role_take_no_step(world, item, who):
    """A member's reader, another member's manager and operator staff outside purchasing hold no role in the
    table: no step is open to them, none is shown, and every one they ask for is refused."""
    user = StaffFactory(staff_role="network_officer") if who == "network_officer" else getattr(world, who)
    for status in OrderStatus.values:
        order = order_in(world, item, status)
        assert order_allowed_transitions(user=user, order=order) == set()
        assert not any(get_abilities(user, order)[ability] for ability in ["transition", *STEP_ABILITIES.values()])
        for target in OrderStatus.values:
            assert_refused(
                lambda order=order, target=target: services.order_transition(
                    order=order, to_status=target, acting_user=user, reason="Essai du tableau"
                )
            )
