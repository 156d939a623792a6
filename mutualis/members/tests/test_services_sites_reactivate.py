"""« Remettre en service »: a site taken out of service can be put back, by the member's managers and operator
administrators (page and API), audited; not for a member withdrawn or refused."""

import pytest
from django.core.exceptions import ValidationError

from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members import services
from mutualis.members.choices import MemberStatus
from mutualis.members.models import Site
from mutualis.members.permissions import get_abilities
from mutualis.members.services.sites import site_reactivate
from mutualis.members.testing import assert_role_matrix, rows

MANAGERS_ONLY_PAGE = {"other_member": 404, "reader": 403, "agent": 403, "manager": 200, "staff": 200}


@pytest.fixture
def out_of_service(world):
    """World's site A, taken out of service by the administrator."""
    return services.site_deactivate(site=world.site_a, acting_user=world.staff, reason="Travaux")


def site_state():
    return rows(Site.objects.all())


def test_reactivation_is_audited_once(world, out_of_service):
    """Putting a site back in service is recorded (before/after, reason); doing it again changes nothing."""
    site_reactivate(site=out_of_service, acting_user=world.manager, reason="Travaux finis")
    site_reactivate(site=out_of_service, acting_user=world.manager)
    out_of_service.refresh_from_db()
    assert out_of_service.is_active
    entry = AuditEntry.objects.get(action="site.reactivate")
    assert (entry.before, entry.after, entry.reason) == ({"is_active": False}, {"is_active": True}, "Travaux finis")
    assert entry.member_id == world.member_a.pk


@pytest.mark.parametrize("status", [MemberStatus.WITHDRAWN, MemberStatus.REJECTED])
def test_no_reactivation_for_a_member_withdrawn_or_refused(world, out_of_service, status):
    """Rule: a withdrawn or refused member gets no service, so its sites stay out of service; nothing written."""
    world.member_a.status = status
    world.member_a.save(update_fields=["status"])
    before = site_state()
    with pytest.raises(ValidationError) as excinfo:
        site_reactivate(site=out_of_service, acting_user=world.staff)
    assert "retiré ou refusé" in excinfo.value.messages[0]
    assert site_state() == before and not AuditEntry.objects.filter(action="site.reactivate").exists()
    assert not get_abilities(world.staff, out_of_service)["reactivate"]


def test_reactivate_page_matrix(world, out_of_service):
    """Managers and administrators put a site back in service after a confirmation page; readers, agents and other
    members' users change nothing."""
    url = f"/espace/sites/{out_of_service.pk}/remise-en-service/"
    assert_role_matrix(world, method="get", url=url, expected=MANAGERS_ONLY_PAGE)
    assert_role_matrix(
        world,
        method="post",
        url=url,
        data={"reason": "Travaux finis"},
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 302, "staff": 302},
        state=site_state,
    )
    assert Site.objects.get(pk=out_of_service.pk).is_active
    assert AuditEntry.objects.filter(action="site.reactivate").count() == 1  # the administrator's was a no-op


def test_reactivate_api_matrix(world, out_of_service):
    """POST /api/v1/sites/<id>/reactivate/: managers and administrators (200), no one else."""
    assert_role_matrix(
        world,
        method="post",
        url=f"/api/v1/sites/{out_of_service.pk}/reactivate/",
        data={"reason": "Travaux finis"},
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 200, "staff": 200},
        state=site_state,
        api=True,
    )
    assert Site.objects.get(pk=out_of_service.pk).is_active


def test_api_refuses_reactivation_for_a_withdrawn_member(world, out_of_service, client):
    """The API answers 403 (no ability) for a withdrawn member's site, and nothing changes."""
    world.member_a.status = MemberStatus.WITHDRAWN
    world.member_a.save(update_fields=["status"])
    login_as(client, world.staff)
    before = site_state()
    assert client.post(f"/api/v1/sites/{out_of_service.pk}/reactivate/").status_code == 403
    assert site_state() == before


def test_the_button_follows_the_abilities(world, out_of_service, client):
    """« Remettre en service » shows on an out-of-service site for its managers and administrators, never for an
    agent or a reader, and never on a site in service."""
    button = f'href="/espace/sites/{out_of_service.pk}/remise-en-service/"'
    for user, shown in [(world.manager, True), (world.agent, False), (world.reader, False)]:
        login_as(client, user)
        assert (button in client.get(f"/espace/{world.member_a.pk}/").content.decode()) is shown
    login_as(client, world.staff)
    assert button in client.get(f"/back-office/adherents/{world.member_a.pk}/").content.decode()
    site_reactivate(site=out_of_service, acting_user=world.staff)
    assert button not in client.get(f"/back-office/adherents/{world.member_a.pk}/").content.decode()


def test_confirmation_page_says_already_in_service(world, client):
    """Asking to put back a site that is in service says so, with no form."""
    login_as(client, world.manager)
    body = client.get(f"/espace/sites/{world.site_a.pk}/remise-en-service/").content.decode()
    assert "Ce site est déjà en service." in body and "Confirmer la remise en service" not in body
