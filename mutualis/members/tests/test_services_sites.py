"""Sites: a member's places, within its territory."""

import pytest
from django.core.exceptions import ValidationError

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.models import AuditEntry
from mutualis.members import services
from mutualis.members.choices import MemberKind, MemberStatus, SiteKind
from mutualis.members.models import Site
from mutualis.members.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return StaffFactory()


def create(member, admin, **kwargs):
    data = {
        "name": "Mairie",
        "kind": SiteKind.TOWN_HALL,
        "address": "Place de l'Hôtel de Ville",
        "commune": factories.commune("78646"),
        "latitude": 48.8,
        "longitude": 2.13,
    } | kwargs
    return services.site_create(member=member, acting_user=admin, **data)


def test_site_is_created_and_audited(admin):
    """A site is created in the member's commune and recorded in the audit log."""
    member = factories.commune_member("78646")
    site = create(member, admin)
    assert site.is_active and site.member == member
    assert AuditEntry.objects.filter(action="site.create", member_id=member.pk).exists()


def test_site_commune_must_be_in_the_member_territory(admin):
    """A commune member's sites lie in its commune; a département's anywhere in the département."""
    member = factories.commune_member("78646")
    with pytest.raises(ValidationError) as excinfo:
        create(member, admin, commune=factories.commune("78686"))
    assert "territoire" in excinfo.value.message_dict["commune"][0]
    departement = factories.MemberFactory(
        kind=MemberKind.DEPARTEMENT, establishment_type="", siren="227806460", siret="", communes=[]
    )
    create(departement, admin, commune=factories.commune("78686"))
    with pytest.raises(ValidationError):
        create(departement, admin, name="Autre", commune=factories.commune("92012"))
    assert Site.objects.count() == 1


def test_coordinates_come_in_pairs(admin):
    """Latitude and longitude are both given or both left empty, within their ranges."""
    member = factories.commune_member("78646")
    with pytest.raises(ValidationError) as excinfo:
        create(member, admin, longitude=None)
    assert "longitude" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        create(member, admin, latitude=123.0)
    assert "latitude" in excinfo.value.message_dict
    create(member, admin, latitude=None, longitude=None)


def test_site_names_are_unique_within_a_member(admin):
    """Two sites of a member cannot share a name."""
    member = factories.commune_member("78646")
    create(member, admin)
    with pytest.raises(ValidationError) as excinfo:
        create(member, admin)
    assert "Cet adhérent a déjà un site portant ce nom." in excinfo.value.messages
    assert Site.objects.count() == 1


def test_no_site_for_a_withdrawn_member(admin):
    """A withdrawn or refused member gets no new site."""
    member = factories.MemberFactory(status=MemberStatus.REJECTED)
    with pytest.raises(ValidationError):
        create(member, admin)


def test_site_update_is_audited_and_refusal_changes_nothing(admin):
    """Editing a site is audited; a refused edit leaves it as it was."""
    member = factories.commune_member("78646")
    site = create(member, admin)
    services.site_update(site=site, acting_user=admin, name="Hôtel de ville")
    assert AuditEntry.objects.get(action="site.update").after["name"] == "Hôtel de ville"
    with pytest.raises(ValidationError):
        services.site_update(site=site, acting_user=admin, commune=factories.commune("92012"))
    site.refresh_from_db()
    assert site.commune.insee_code == "78646"


def test_deactivation_is_audited_once(admin):
    """Taking a site out of service keeps it (history) and is audited; doing it again changes nothing."""
    site = factories.SiteFactory()
    services.site_deactivate(site=site, acting_user=admin, reason="Vendu")
    services.site_deactivate(site=site, acting_user=admin)
    site.refresh_from_db()
    assert not site.is_active
    assert AuditEntry.objects.filter(action="site.deactivate").count() == 1
