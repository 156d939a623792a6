"""Invitations of accounts already in use: no role before the account accepts; it answers in « Mon compte »;
declining tells the inviter; every answer is audited; only the invited account answers. The back-office invites
from its own page, and an invalid invitation stays there."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from mutualis.accounts.models import User
from mutualis.accounts.tests.factories import UserFactory
from mutualis.core.models import AuditEntry, Notification
from mutualis.core.testing import login_as
from mutualis.members.choices import MemberRole, MemberStatus
from mutualis.members.models import InvitationStatus, Membership, MembershipInvitation
from mutualis.members.services import memberships
from mutualis.members.testing import assert_role_matrix, rows

pytestmark = pytest.mark.django_db


def invite(world, user, role=MemberRole.MANAGER, by=None):
    """`by` (member A's manager unless told) invites an existing account to member A."""
    return memberships.membership_invite(
        member=world.member_a, email=user.email, role=role, acting_user=by or world.manager
    ).pending


def state():
    return rows(Membership.objects.all()), rows(MembershipInvitation.objects.all())


# --- services ------------------------------------------------------------------------------------------------------


def test_an_existing_account_gets_no_role_before_it_accepts(world):
    """Inviting an account already in use creates an invitation waiting for its answer, not a membership; the
    e-mail sends it to « Mon compte » to accept or decline, and it is told on the platform too."""
    colleague = UserFactory(email="collegue@exemple.fr")
    outcome = memberships.membership_invite(
        member=world.member_a, email="Collegue@Exemple.fr", role=MemberRole.MANAGER, acting_user=world.manager
    )
    assert outcome.membership is None and outcome.pending is not None and not outcome.user_created
    assert outcome.pending.status == InvitationStatus.PENDING and outcome.pending.invited_by == world.manager
    assert not Membership.objects.filter(member=world.member_a, user=colleague).exists()
    body = mail.outbox[0].body
    assert "acceptez ou refusez l'invitation" in body and "refusez-la" in body
    assert "ignorez ce message" not in body
    assert Notification.objects.filter(recipient=colleague, kind="membership.invitation").exists()
    entry = AuditEntry.objects.get(action="membership.invite")
    assert entry.member_id == world.member_a.pk and entry.after["awaits_answer"] is True


def test_accepting_gives_the_role_audited_and_tells_the_inviter(world):
    """Accepting creates the membership with the role offered (invited by the inviter), closes the invitation and
    is recorded in the audit log."""
    colleague = UserFactory()
    invitation = invite(world, colleague, role=MemberRole.AGENT)
    membership = memberships.invitation_accept(invitation=invitation, acting_user=colleague)
    assert (membership.member, membership.user, membership.role) == (world.member_a, colleague, MemberRole.AGENT)
    assert membership.invited_by == world.manager
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.answered_at is not None
    entry = AuditEntry.objects.get(action="membership.invitation_accept")
    assert entry.member_id == world.member_a.pk and entry.actor == colleague
    assert Notification.objects.filter(recipient=world.manager, kind="membership.invitation_answered").exists()


def test_declining_gives_no_role_is_audited_and_tells_the_inviter(world):
    """Declining creates no membership, is audited, and notifies whoever sent the invitation."""
    colleague = UserFactory()
    invitation = invite(world, colleague)
    memberships.invitation_decline(invitation=invitation, acting_user=colleague)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert not Membership.objects.filter(user=colleague).exists()
    assert AuditEntry.objects.filter(action="membership.invitation_decline", member_id=world.member_a.pk).exists()
    notice = Notification.objects.get(recipient=world.manager, kind="membership.invitation_answered")
    assert "a refusé" in notice.title


def test_only_the_invited_account_answers_and_only_once(world):
    """Nobody answers for the invited account (not even its member's manager), and an invitation already
    answered or withdrawn cannot be answered again: nothing changes."""
    colleague = UserFactory()
    invitation = invite(world, colleague)
    before = state()
    for someone in (world.manager, world.staff, world.reader):
        with pytest.raises(PermissionDenied):
            memberships.invitation_accept(invitation=invitation, acting_user=someone)
        with pytest.raises(PermissionDenied):
            memberships.invitation_decline(invitation=invitation, acting_user=someone)
    assert state() == before
    memberships.invitation_cancel(invitation=invitation, acting_user=world.manager)
    before = state()
    with pytest.raises(ValidationError, match="n'attend plus de réponse"):
        memberships.invitation_accept(invitation=invitation, acting_user=colleague)
    assert state() == before


def test_one_invitation_waits_at_a_time_and_a_member_is_not_invited_again(world):
    """A second invitation of the same account to the same member while one waits is refused, as is inviting a
    user already in the member: nothing is written, no e-mail."""
    colleague = UserFactory(email="collegue@exemple.fr")
    invite(world, colleague)
    mail.outbox.clear()
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        invite(world, colleague, role=MemberRole.READER)
    assert "attend déjà la réponse" in excinfo.value.message_dict["email"][0]
    with pytest.raises(ValidationError):
        invite(world, world.reader)
    assert state() == before and mail.outbox == []


def test_an_invitation_to_a_member_since_withdrawn_cannot_be_accepted(world):
    """A member withdrawn after the invitation was sent takes no new user: accepting is refused, nothing changes."""
    colleague = UserFactory()
    invitation = invite(world, colleague)
    world.member_a.status = MemberStatus.WITHDRAWN
    world.member_a.save()
    before = state()
    with pytest.raises(ValidationError):
        memberships.invitation_accept(invitation=invitation, acting_user=colleague)
    assert state() == before


def test_a_new_account_gets_the_name_given_and_keeps_the_set_password_flow(world):
    """A new account is created with the name typed in the invitation and gets its role at once (choosing its
    password accepts); an existing account keeps the name it chose."""
    outcome = memberships.membership_invite(
        member=world.member_a,
        email="nouvelle@versailles.fr",
        role=MemberRole.READER,
        first_name=" Camille ",
        last_name="Durand",
        acting_user=world.manager,
    )
    assert outcome.membership is not None and outcome.pending is None and outcome.set_password_url
    user = User.objects.get(email="nouvelle@versailles.fr")
    assert (user.first_name, user.last_name) == ("Camille", "Durand")
    colleague = UserFactory(first_name="Dominique", last_name="Martin")
    memberships.membership_invite(
        member=world.member_a, email=colleague.email, role="reader", first_name="X", acting_user=world.manager
    )
    colleague.refresh_from_db()
    assert (colleague.first_name, colleague.last_name) == ("Dominique", "Martin")


def test_a_name_longer_than_its_field_is_refused_not_cut(world):
    """A 151-character last name in an invitation is refused with the limit, and nothing is written."""
    before = rows(User.objects.all()), state()
    with pytest.raises(ValidationError) as excinfo:
        memberships.membership_invite(
            member=world.member_a,
            email="long@versailles.fr",
            role="reader",
            last_name="N" * 151,
            acting_user=world.manager,
        )
    assert "150 caractères" in excinfo.value.message_dict["last_name"][0]
    assert (rows(User.objects.all()), state()) == before and mail.outbox == []


# --- pages ---------------------------------------------------------------------------------------------------------


def test_my_account_lists_the_invitations_waiting_with_accept_and_decline(world, client):
    """« Mon compte » shows the invitations waiting for the account's answer, each with Accepter and Refuser;
    the member's space shows managers the invitation waiting, with a button to withdraw it."""
    invitation = invite(world, world.other_member, role=MemberRole.AGENT)
    login_as(client, world.other_member)
    body = client.get("/compte/").content.decode()
    assert 'id="invitations"' in body and "Commune de Versailles" in body and "Agent" in body
    assert f"/espace/invitations/{invitation.pk}/accepter/" in body
    assert f"/espace/invitations/{invitation.pk}/refuser/" in body
    login_as(client, world.manager)
    body = client.get(f"/espace/{world.member_a.pk}/").content.decode()
    assert "Invitations en attente de réponse" in body and world.other_member.email in body
    assert f"/espace/invitations/{invitation.pk}/annuler/" in body
    login_as(client, world.reader)
    assert (
        f"/espace/invitations/{invitation.pk}/annuler/"
        not in client.get(f"/espace/{world.member_a.pk}/").content.decode()
    )


def test_accept_matrix(world):
    """Only the invited account (here member B's manager, invited to member A) accepts: it then lands on member
    A's space; member A's users and the operator's administrator cannot answer for it (403)."""
    invitation = invite(world, world.other_member)
    assert_role_matrix(
        world,
        method="post",
        url=f"/espace/invitations/{invitation.pk}/accepter/",
        expected={"other_member": 302, "reader": 403, "agent": 403, "manager": 403, "staff": 403},
        state=state,
    )
    assert Membership.objects.get(member=world.member_a, user=world.other_member).role == MemberRole.MANAGER


def test_decline_matrix(world):
    """Only the invited account declines; nobody else can (403), and declining gives no role."""
    invitation = invite(world, world.other_member)
    assert_role_matrix(
        world,
        method="post",
        url=f"/espace/invitations/{invitation.pk}/refuser/",
        expected={"other_member": 302, "reader": 403, "agent": 403, "manager": 403, "staff": 403},
        state=state,
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert not Membership.objects.filter(member=world.member_a, user=world.other_member).exists()


def test_an_invitation_to_someone_else_is_not_found(world, client):
    """An invitation of member A addressed to someone else is not found (404) by a user of member B."""
    invitation = invite(world, UserFactory())
    login_as(client, world.other_member)
    before = state()
    assert client.get(f"/espace/invitations/{invitation.pk}/").status_code == 404
    assert client.post(f"/espace/invitations/{invitation.pk}/accepter/").status_code == 404
    assert state() == before


def test_cancel_matrix(world, client):
    """Member A's manager and administrators withdraw an invitation waiting (audited); nobody else can, not even
    the invited account (it declines instead)."""
    fresh = lambda role: f"/espace/invitations/{invite(world, UserFactory()).pk}/annuler/"  # noqa: E731
    assert_role_matrix(
        world,
        method="post",
        url=fresh,
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 302, "staff": 302},
        state=state,
    )
    assert MembershipInvitation.objects.filter(status=InvitationStatus.CANCELLED).count() == 2
    assert AuditEntry.objects.filter(action="membership.invitation_cancel").count() == 2
    invitation = invite(world, world.other_member)
    login_as(client, world.other_member)
    before = state()
    assert client.post(f"/espace/invitations/{invitation.pk}/annuler/").status_code == 403
    assert state() == before


def test_answering_twice_is_refused_on_the_page(world, client):
    """A second answer to an invitation already accepted comes back in French (400) and changes nothing."""
    invitation = invite(world, world.other_member)
    login_as(client, world.other_member)
    assert client.post(f"/espace/invitations/{invitation.pk}/accepter/").status_code == 302
    before = state()
    response = client.post(f"/espace/invitations/{invitation.pk}/refuser/")
    assert response.status_code == 400 and "attend plus de réponse" in response.content.decode()
    assert state() == before


def test_inviting_an_existing_account_from_the_page_says_it_awaits_the_answer(world, client):
    """The confirmation page says the person must accept first, and shows no set-password link."""
    login_as(client, world.manager)
    response = client.post(
        f"/espace/{world.member_a.pk}/utilisateurs/inviter/", {"email": world.other_member.email, "role": "reader"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "quand elle aura accepté l'invitation" in body
    assert "/compte/activer/" not in body


# --- back-office (item 8) ------------------------------------------------------------------------------------------


def test_backoffice_member_page_invites_through_the_backoffice(world, client):
    """The back-office member page's invitation form posts to the back-office; the member space's to the space."""
    login_as(client, world.staff)
    body = client.get(f"/back-office/adherents/{world.member_a.pk}/").content.decode()
    assert f'action="/back-office/adherents/{world.member_a.pk}/utilisateurs/inviter/"' in body
    login_as(client, world.manager)
    body = client.get(f"/espace/{world.member_a.pk}/").content.decode()
    assert f'action="/espace/{world.member_a.pk}/utilisateurs/inviter/"' in body


def test_an_invalid_backoffice_invitation_stays_in_the_backoffice(world, client):
    """Errors come back on the back-office page (400): its breadcrumb leads to the back-office member list and
    page, and nothing is written."""
    login_as(client, world.staff)
    url = f"/back-office/adherents/{world.member_a.pk}/utilisateurs/inviter/"
    before = rows(User.objects.all()), state()
    response = client.post(url, {"email": "pas-une-adresse", "role": "reader"})
    body = response.content.decode()
    assert response.status_code == 400 and "Saisissez une adresse e-mail valide" in body
    assert 'href="/back-office/adherents/"' in body
    assert f'href="/back-office/adherents/{world.member_a.pk}/"' in body
    assert f'href="/espace/{world.member_a.pk}/"' not in body
    assert (rows(User.objects.all()), state()) == before


def test_backoffice_invite_matrix(world):
    """Only operator staff reach the back-office invitation (others: 404, anonymous: the login page)."""
    url = f"/back-office/adherents/{world.member_a.pk}/utilisateurs/inviter/"
    expected = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 200}
    assert_role_matrix(world, method="get", url=url, expected=expected)
    assert_role_matrix(
        world,
        method="post",
        url=url,
        data={"email": "nouvelle@versailles.fr", "first_name": "Camille", "last_name": "Durand", "role": "agent"},
        expected={"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 200},
        state=state,
    )
    assert User.objects.get(email="nouvelle@versailles.fr").get_full_name() == "Camille Durand"


def test_a_link_may_prefill_the_backoffice_invitation(world, client):
    """The back-office invitation page takes its initial values from the link (e-mail, name, role): nothing is
    sent until the administrator submits it."""
    login_as(client, world.staff)
    url = f"/back-office/adherents/{world.member_a.pk}/utilisateurs/inviter/"
    before = rows(User.objects.all()), state()
    body = client.get(url, {"email": "dgs@viroflay.fr", "last_name": "Durand", "role": "manager"}).content.decode()
    assert 'value="dgs@viroflay.fr"' in body and 'value="Durand"' in body
    assert '<option value="manager" selected>' in body
    assert (rows(User.objects.all()), state()) == before and mail.outbox == []
