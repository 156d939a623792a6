"""Users of a member: invitations by e-mail, roles, removal; a member always keeps a manager."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from mutualis.accounts.models import User
from mutualis.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from mutualis.core.models import AuditEntry
from mutualis.members import services
from mutualis.members.choices import MemberRole, MemberStatus
from mutualis.members.models import Membership
from mutualis.members.tests import factories

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Un-mot-de-passe-solide-2026"


@pytest.fixture
def member():
    return factories.commune_member("78646")


@pytest.fixture
def manager(member):
    user = UserFactory()
    factories.MembershipFactory(member=member, user=user, role=MemberRole.MANAGER)
    return user


def test_invitation_creates_the_account_and_mails_a_set_password_link(member, manager, client, settings):
    """Inviting a new address creates the account and e-mails, in French, a one-time link to choose a password;
    with it the person signs in and sees the member space."""
    settings.SITE_ROOT = "https://mutualis.example.fr"
    invitation = services.membership_invite(
        member=member, email="Nouvel.Agent@Versailles.fr", role=MemberRole.AGENT, acting_user=manager
    )
    user = User.objects.get(email="nouvel.agent@versailles.fr")
    assert invitation.user_created and invitation.membership.role == MemberRole.AGENT
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvel.agent@versailles.fr"]
    assert message.subject == "Invitation à rejoindre la Commune de Versailles sur Mutualis"
    assert "à rejoindre la Commune de Versailles sur Mutualis" in message.body
    assert "choisissez votre mot de passe" in message.body
    assert invitation.set_password_url.startswith("https://mutualis.example.fr/compte/activer/")
    assert invitation.set_password_url in message.body
    assert AuditEntry.objects.filter(action="membership.invite", member_id=member.pk).exists()

    path = invitation.set_password_url.removeprefix("https://mutualis.example.fr")
    form_url = client.get(path)["Location"]  # Django swaps the token for a session marker
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    response = client.post("/compte/connexion/", {"email": user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert "Commune de Versailles" in client.get("/espace/").content.decode()
    # The link served once: it no longer works.
    client.logout()
    assert client.get(path, follow=True).context["validlink"] is False


def test_inviting_an_existing_account_gives_no_password_link(member, manager):
    """An account that already has a password is invited to answer in « Mon compte »: no manager can obtain a link
    to it (and it gets no role before it accepts: see test_services_invitations.py)."""
    existing = UserFactory(email="deja@exemple.fr")
    invitation = services.membership_invite(
        member=member, email="deja@exemple.fr", role=MemberRole.READER, acting_user=manager
    )
    assert not invitation.user_created and invitation.set_password_url == ""
    assert "/compte/activer/" not in mail.outbox[0].body
    assert "/compte/#invitations" in mail.outbox[0].body
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)


def test_invitation_refusals_write_nothing(member, manager):
    """Already a member, an operator account, a bad address or an unknown role: refused, nothing written."""
    staff = StaffFactory()
    before = (User.objects.count(), Membership.objects.count())
    cases = [(manager.email, MemberRole.READER), (staff.email, MemberRole.READER), ("pas-une-adresse", "reader")]
    cases.append(("ok@exemple.fr", "owner"))
    for email, role in cases:
        with pytest.raises(ValidationError):
            services.membership_invite(member=member, email=email, role=role, acting_user=manager)
    assert (User.objects.count(), Membership.objects.count()) == before
    assert mail.outbox == []


def test_no_invitation_to_a_withdrawn_member(manager, member):
    """A withdrawn member invites nobody."""
    member.status = MemberStatus.WITHDRAWN
    member.save()
    with pytest.raises(ValidationError):
        services.membership_invite(member=member, email="x@exemple.fr", role="reader", acting_user=manager)


def test_role_change_is_audited(member, manager):
    """Changing a user's role is recorded with before and after."""
    membership = factories.MembershipFactory(member=member, role=MemberRole.READER)
    services.membership_change_role(membership=membership, role=MemberRole.AGENT, acting_user=manager)
    membership.refresh_from_db()
    assert membership.role == MemberRole.AGENT
    entry = AuditEntry.objects.get(action="membership.change_role")
    assert (entry.before["role"], entry.after["role"]) == ("reader", "agent")


def test_the_last_manager_can_neither_step_down_nor_be_removed(member, manager):
    """A member keeps at least one manager."""
    membership = Membership.objects.get(member=member, user=manager)
    with pytest.raises(ValidationError) as excinfo:
        services.membership_remove(membership=membership, acting_user=manager)
    assert "au moins un gestionnaire" in excinfo.value.messages[0]
    with pytest.raises(ValidationError):
        services.membership_change_role(membership=membership, role=MemberRole.READER, acting_user=manager)
    membership.refresh_from_db()
    assert membership.role == MemberRole.MANAGER


def test_a_manager_may_leave_once_another_exists(member, manager):
    """With a second manager, the first may be removed; the removal is audited."""
    factories.MembershipFactory(member=member, role=MemberRole.MANAGER)
    membership = Membership.objects.get(member=member, user=manager)
    services.membership_remove(membership=membership, acting_user=manager)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=manager.pk).exists()
    assert AuditEntry.objects.filter(action="membership.remove", member_id=member.pk).exists()
