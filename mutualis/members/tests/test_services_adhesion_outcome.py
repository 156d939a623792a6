"""The requester of an online adhésion is told the outcome by e-mail, and proposed as the member's first manager."""

import datetime
import logging

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.testing import login_as
from mutualis.members import services
from mutualis.members.choices import MemberRole, MemberStatus
from mutualis.members.models import AdhesionRequest, Member
from mutualis.members.tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def admin():
    return StaffFactory()


@pytest.fixture
def requested():
    """The Commune de Viroflay, which asked online (Claire Martin, DGS)."""
    member = factories.commune_member("78686", status=MemberStatus.REQUESTED)
    AdhesionRequest.objects.create(
        member=member,
        contact_name="Claire Martin",
        contact_function="Directrice générale des services",
        contact_email="dgs@viroflay.example.fr",
        competences=["central_purchasing"],
    )
    return member


def approve(member, admin):
    return services.member_transition(
        member=member,
        to_status=MemberStatus.APPROVED,
        acting_user=admin,
        deliberation_reference="CS-2026-014",
        deliberation_date=timezone.localdate(),
    )


def test_the_requester_is_told_of_the_approval_after_commit(requested, admin, django_capture_on_commit_callbacks):
    """Approving an online request e-mails the requester, in French, once the step is committed (not before)."""
    with django_capture_on_commit_callbacks(execute=True):
        approve(requested, admin)
        assert mail.outbox == []
    [message] = mail.outbox
    assert message.to == ["dgs@viroflay.example.fr"]
    assert message.subject == "Adhésion de la Commune de Viroflay approuvée"
    assert "Bonjour Claire Martin," in message.body
    today = f"{timezone.localdate():%d/%m/%Y}"
    assert f"approuvée par la délibération CS-2026-014 du {today}" in message.body


def test_the_requester_is_told_of_the_refusal_and_its_reason(requested, admin, django_capture_on_commit_callbacks):
    """A refusal e-mails the requester with the reason given."""
    with django_capture_on_commit_callbacks(execute=True):
        services.member_transition(
            member=requested,
            to_status=MemberStatus.REJECTED,
            acting_user=admin,
            reason="Hors du territoire du syndicat.",
        )
    [message] = mail.outbox
    assert message.subject == "Demande d'adhésion de la Commune de Viroflay refusée"
    assert "n'a pas été retenue" in message.body and "Hors du territoire du syndicat." in message.body


def test_the_requester_is_told_of_the_activation(requested, admin, django_capture_on_commit_callbacks):
    """The activation e-mails the requester with the day the adhésion took effect."""
    approve(requested, admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.member_transition(member=requested, to_status=MemberStatus.ACTIVE, acting_user=admin)
    [message] = mail.outbox
    assert message.subject == "Adhésion de la Commune de Viroflay en vigueur"
    assert f"en vigueur depuis le {timezone.localdate():%d/%m/%Y}" in message.body
    assert "/espace/" in message.body


def test_no_one_is_told_of_a_step_rolled_back(requested, admin, django_capture_on_commit_callbacks):
    """A step whose transaction is rolled back sends nothing."""
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        approve(requested, admin)
        raise RuntimeError("rolled back")
    assert callbacks == [] and mail.outbox == []
    assert Member.objects.get(pk=requested.pk).status == MemberStatus.REQUESTED


def test_other_steps_and_members_without_online_request_send_nothing(
    requested, admin, django_capture_on_commit_callbacks
):
    """A withdrawal is not an outcome of the request; a member recorded in the back-office has no requester."""
    recorded = factories.MemberFactory(status=MemberStatus.REQUESTED)
    with django_capture_on_commit_callbacks(execute=True):
        approve(recorded, admin)
        approve(requested, admin)
        services.member_transition(member=requested, to_status=MemberStatus.WITHDRAWN, acting_user=admin, reason="x")
    assert [m.subject for m in mail.outbox] == ["Adhésion de la Commune de Viroflay approuvée"]


def test_each_address_is_told_once(requested, admin, django_capture_on_commit_callbacks):
    """Two requests from the same address get one e-mail."""
    AdhesionRequest.objects.create(
        member=requested, contact_name="Claire Martin", contact_function="DGS", contact_email="DGS@viroflay.example.fr"
    )
    with django_capture_on_commit_callbacks(execute=True):
        approve(requested, admin)
    assert len(mail.outbox) == 1


def test_a_mail_server_failure_does_not_undo_the_step(
    requested, admin, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """The step stands when the mail server refuses the e-mail; the failure is logged."""

    def refuse(**kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("mutualis.members.services.adhesion.send_mail", refuse)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        approve(requested, admin)
    assert Member.objects.get(pk=requested.pk).status == MemberStatus.APPROVED
    assert "send_outcome_email" in caplog.text


# --- the requester proposed as first manager --------------------------------------------------------------------


def test_the_member_page_proposes_the_requester_as_first_manager(requested, admin, client):
    """Once approved, a member without manager shows an invitation filled in with the requester as manager, sent
    from the back-office (so that a mistake in it comes back to the back-office, not the member space)."""
    login_as(client, admin)
    url = f"/back-office/adherents/{requested.pk}/"
    assert "premier gestionnaire" not in client.get(url).content.decode()  # not before the approval
    approve(requested, admin)
    body = client.get(url).content.decode()
    assert "Inviter Claire Martin comme premier gestionnaire" in body
    assert f'action="/back-office/adherents/{requested.pk}/utilisateurs/inviter/"' in body
    assert 'value="dgs@viroflay.example.fr"' in body
    assert '<option value="manager" selected>' in body


def test_the_proposal_goes_once_the_member_has_a_manager(requested, admin, client):
    """No proposal once the member has a manager, nor when the requester already belongs to it."""
    approve(requested, admin)
    login_as(client, admin)
    url = f"/back-office/adherents/{requested.pk}/"
    colleague = factories.MembershipFactory(member=requested, role=MemberRole.READER)
    colleague.user.email = "dgs@viroflay.example.fr"
    colleague.user.save()
    assert "premier gestionnaire" not in client.get(url).content.decode()
    colleague.user.email = "autre@viroflay.example.fr"
    colleague.user.save()
    assert "premier gestionnaire" in client.get(url).content.decode()
    factories.MembershipFactory(member=requested, role=MemberRole.MANAGER)
    assert "premier gestionnaire" not in client.get(url).content.decode()
