"""ENT resources the GAR way: subscriptions, licences assigned by pseudonym or class, never more than bought."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mutualis.education.models import Assignment, Subscription
from mutualis.education.services import resources as services
from mutualis.education.tests.factories import ResourceFactory, SubscriptionFactory
from mutualis.members.testing import rows
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.tests.builders import sent_order

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 1, 15)


def test_a_class_group_takes_one_licence_per_pupil_and_a_pupil_one(edu):
    """A class of 25 takes 25 licences; a pupil by pseudonym takes one; the profile is the GAR's."""
    subscription = SubscriptionFactory(establishment=edu.school, licences=30)
    group = services.assignment_create(
        subscription=subscription,
        target="class_group",
        class_group="cm2a",
        licences=25,
        acting_user=edu.referent,
        today=DAY,
    )
    pupil = services.assignment_create(
        subscription=subscription,
        target="pupil",
        pseudonym="ELV-7f3a9c21",
        licences=9,
        acting_user=edu.referent,
        today=DAY,
    )
    assert (group.licences, group.class_group, group.profile) == (25, "CM2A", "National_elv")
    assert (pupil.licences, pupil.profile) == (1, "National_elv")


def test_more_assignments_than_licences_are_refused_and_nothing_is_written(edu):
    """The GAR's rule: a class of 31 on a 30-licence subscription is refused, saying how many are free."""
    subscription = SubscriptionFactory(establishment=edu.school, licences=30)
    services.assignment_create(
        subscription=subscription, target="teacher", pseudonym="ENS-000001", acting_user=edu.referent, today=DAY
    )
    before = rows(Assignment.objects.all())
    with pytest.raises(ValidationError) as caught:
        services.assignment_create(
            subscription=subscription,
            target="class_group",
            class_group="3A",
            licences=30,
            acting_user=edu.referent,
            today=DAY,
        )
    assert "29 disponible(s) sur 30" in caught.value.message_dict["licences"][0]
    assert rows(Assignment.objects.all()) == before


def test_a_name_cannot_stand_for_a_pseudonym(edu):
    """Data minimisation (RGPD art. 5.1.c): « Jean Dupont » or an e-mail is refused as an identifier."""
    subscription = SubscriptionFactory(establishment=edu.school)
    for typed in ("Jean Dupont", "jean.dupont@example.fr"):
        with pytest.raises(ValidationError) as caught:
            services.assignment_create(
                subscription=subscription, target="pupil", pseudonym=typed, acting_user=edu.referent, today=DAY
            )
        assert "pseudonym" in caught.value.message_dict
    assert not Assignment.objects.exists()


def test_the_same_pupil_twice_and_an_ended_subscription_are_refused(edu):
    """One licence per person per subscription; no assignment outside the subscription's period."""
    subscription = SubscriptionFactory(establishment=edu.school)
    services.assignment_create(
        subscription=subscription, target="pupil", pseudonym="ELV-123456", acting_user=edu.referent, today=DAY
    )
    with pytest.raises(ValidationError):
        services.assignment_create(
            subscription=subscription, target="pupil", pseudonym="ELV-123456", acting_user=edu.referent, today=DAY
        )
    with pytest.raises(ValidationError) as caught:
        services.assignment_create(
            subscription=subscription,
            target="pupil",
            pseudonym="ELV-654321",
            acting_user=edu.referent,
            today=datetime.date(2026, 9, 1),
        )
    assert "pas en cours" in str(caught.value)
    assert Assignment.objects.count() == 1


def test_sequential_assignments_stop_exactly_at_the_licences(edu):
    """Assigning one by one fills the subscription to its last licence, and the next is refused."""
    subscription = SubscriptionFactory(establishment=edu.school, licences=3)
    for n in range(3):
        services.assignment_create(
            subscription=subscription, target="pupil", pseudonym=f"ELV-00000{n}", acting_user=edu.referent, today=DAY
        )
    with pytest.raises(ValidationError):
        services.assignment_create(
            subscription=subscription, target="pupil", pseudonym="ELV-000009", acting_user=edu.referent, today=DAY
        )
    assert sum(Assignment.objects.values_list("licences", flat=True)) == 3


def test_a_paid_subscription_names_the_owner_s_purchasing_order(edu):
    """A paid subscription is bought through the central purchasing: its order, of the owning member, not refused."""
    resource = ResourceFactory(publisher="Enseigno", title="Soutien scolaire")
    kwargs = {
        "establishment": edu.school,
        "resource": resource,
        "starts_on": DAY,
        "ends_on": DAY.replace(month=8),
        "licences": 100,
        "acting_user": edu.officer,
    }
    with pytest.raises(ValidationError) as caught:
        services.subscription_create(paid=True, **kwargs)
    assert "bon de commande" in caught.value.message_dict["order"][0]
    other = sent_order(edu, member=edu.member_b)
    with pytest.raises(ValidationError):
        services.subscription_create(order=other, **kwargs)
    order = sent_order(edu, member=edu.member_a)
    subscription = services.subscription_create(order=order, **kwargs)
    assert subscription.paid and subscription.order == order
    order.status = OrderStatus.CANCELLED
    order.save()
    with pytest.raises(ValidationError):
        services.subscription_create(order=order, **kwargs)
    assert Subscription.objects.count() == 1


def test_licences_never_fall_below_those_assigned(edu):
    """A subscription cannot be cut below the licences already given."""
    subscription = SubscriptionFactory(establishment=edu.school, licences=30)
    services.assignment_create(
        subscription=subscription,
        target="class_group",
        class_group="CE1",
        licences=20,
        acting_user=edu.referent,
        today=DAY,
    )
    with pytest.raises(ValidationError):
        services.subscription_update(subscription=subscription, acting_user=edu.officer, licences=19)
    subscription.refresh_from_db()
    assert subscription.licences == 30
