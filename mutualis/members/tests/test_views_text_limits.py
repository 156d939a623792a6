"""Text longer than a field's limit is refused with the limit on the field, never cut (by the server or by the
browser's `maxlength`, which silently dropped a paste's end); nothing is written."""

import pytest

from mutualis.core.testing import login_as
from mutualis.members.choices import MemberStatus
from mutualis.members.models import Member, MemberStatusChange, Site
from mutualis.members.testing import rows
from mutualis.members.tests import factories

pytestmark = pytest.mark.django_db


def test_a_300_character_deliberation_reference_is_refused_not_cut(world, client):
    """Approving with a 300-character deliberation reference answers 400 with « au plus 100 caractères » on the
    field (linked from the error summary); the member keeps its status and no step is recorded."""
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    login_as(client, world.staff)
    before = rows(Member.objects.all()), rows(MemberStatusChange.objects.all())
    response = client.post(
        f"/back-office/adherents/{member.pk}/statut/approved/",
        {"t-approved-deliberation_reference": "R" * 300, "t-approved-deliberation_date": "2026-03-12"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Assurez-vous que cette valeur comporte au plus 100 caractères (actuellement 300)." in body
    assert '<a href="#id_t-approved-deliberation_reference">Référence de la délibération</a>' in body
    assert (rows(Member.objects.all()), rows(MemberStatusChange.objects.all())) == before


def test_a_201_character_site_name_is_refused_not_cut(world, client):
    """A site name over its 200 characters is refused on the field; no site is written."""
    login_as(client, world.manager)
    before = rows(Site.objects.all())
    data = {"name": "S" * 201, "kind": "car_park", "address": "Rue de la Paroisse", "commune": world.site_a.commune_id}
    response = client.post(f"/espace/{world.member_a.pk}/sites/nouveau/", data)
    assert response.status_code == 400
    assert "au plus 200 caractères (actuellement 201)" in response.content.decode()
    assert rows(Site.objects.all()) == before


def test_member_forms_carry_no_maxlength_for_the_browser_to_cut_with(world, client):
    """The back-office member page (its workflow, competence, invitation forms), the member form and the site
    form render no `maxlength`: the server's message, not a silent cut, tells the limit."""
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    login_as(client, world.staff)
    for url in (
        f"/back-office/adherents/{member.pk}/",
        "/back-office/adherents/nouveau/",
        f"/back-office/adherents/{world.member_a.pk}/utilisateurs/inviter/",
        f"/espace/{world.member_a.pk}/sites/nouveau/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "maxlength" not in response.content.decode(), url
