"""Requests to join a member (agents ProConnect recognised from their SIRET): pending until a manager decides."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mutualis.accounts.tests.factories import UserFactory
from mutualis.core.models import AuditEntry, Notification
from mutualis.members.models import JoinRequestStatus, Membership, MembershipRequest
from mutualis.members.services import (
    membership_request_approve,
    membership_request_create,
    membership_request_refuse,
)

pytestmark = pytest.mark.django_db


def test_request_gives_no_role_and_notifies_the_managers(world):
    """A request holds no role (the requester sees nothing of the member) and tells the member's managers."""
    user = UserFactory(email="demandeur@versailles.fr")
    join_request = membership_request_create(member=world.member_a, user=user, origin="proconnect", acting_user=user)
    assert join_request.status == JoinRequestStatus.PENDING
    assert not Membership.objects.filter(user=user).exists()
    assert Notification.objects.filter(recipient=world.manager, kind="membership.request").exists()
    assert AuditEntry.objects.filter(action="membership.request").count() == 1
    with pytest.raises(ValidationError):
        membership_request_create(member=world.member_a, user=user, origin="proconnect", acting_user=user)
    assert MembershipRequest.objects.count() == 1


def test_refusal_gives_no_role_and_a_second_decision_is_refused(world):
    """A refused request gives no role, tells the requester, is audited; it cannot be approved afterwards."""
    user = UserFactory(email="demandeur@versailles.fr")
    join_request = membership_request_create(member=world.member_a, user=user, origin="proconnect", acting_user=user)
    membership_request_refuse(join_request=join_request, acting_user=world.manager)
    join_request.refresh_from_db()
    assert (join_request.status, join_request.decided_by) == (JoinRequestStatus.REFUSED, world.manager)
    assert Notification.objects.filter(recipient=user, kind="membership.request_answered").exists()
    with pytest.raises(ValidationError):
        membership_request_approve(join_request=join_request, role="agent", acting_user=world.manager)
    assert not Membership.objects.filter(user=user).exists()


def test_only_the_members_managers_decide(world, client):
    """An agent of the member, or another member's manager, cannot approve: nothing changes."""
    user = UserFactory(email="demandeur@versailles.fr")
    join_request = membership_request_create(member=world.member_a, user=user, origin="proconnect", acting_user=user)
    url = reverse("members:join_request_approve", args=[join_request.pk])
    for someone in (world.agent, world.other_member, user):
        client.force_login(someone)
        assert client.post(url, {f"r{join_request.pk}-role": "manager"}).status_code in {403, 404}
    assert not Membership.objects.filter(user=user).exists()
    client.force_login(world.manager)
    assert client.post(reverse("members:join_request_refuse", args=[join_request.pk])).status_code == 302
    assert MembershipRequest.objects.get().status == JoinRequestStatus.REFUSED
