"""Sites, authorisations, devices and habilitations: the legal frame applied by the services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mutualis.accounts.tests.factories import StaffFactory, UserFactory
from mutualis.members.testing import rows
from mutualis.members.tests.factories import commune
from mutualis.supervision.models import Authorisation, Device, Habilitation, ProtectedSite
from mutualis.supervision.permissions import can_view_images, habilitated_site_ids
from mutualis.supervision.services import access, devices, sites
from mutualis.supervision.tests.factories import (
    AuthorisationFactory,
    DeviceFactory,
    ProtectedSiteFactory,
    supervision_operator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return supervision_operator()


def test_protecting_a_site_needs_the_video_protection_competence(world, operator):
    """Member B has not transferred « vidéoprotection »: its site cannot be protected; member A's can."""
    with pytest.raises(ValidationError) as exc:
        sites.protected_site_create(site=world.site_b, acting_user=operator)
    assert "vidéoprotection" in str(exc.value)
    assert not ProtectedSite.objects.exists()
    assert sites.protected_site_create(site=world.site_a, acting_user=operator).site == world.site_a


def test_only_supervision_operators_write(world):
    """A purchasing officer may not protect a site."""
    officer = StaffFactory(email="achats@operateur.fr", staff_role="purchasing_officer")
    with pytest.raises(PermissionDenied):
        sites.protected_site_create(site=world.site_a, acting_user=officer)


def test_authorisation_defaults_to_five_years_and_refuses_31_days(world, operator):
    """An arrêté without end date runs five years; a 31-day retention is refused (CSI L252-4, L252-5)."""
    site = ProtectedSiteFactory(site=world.site_a)
    fields = {"arrete_reference": "AP-1", "arrete_date": datetime.date(2025, 1, 1), "purposes": ["offences"]}
    with pytest.raises(ValidationError) as exc:
        sites.authorisation_create(
            protected_site=site, acting_user=operator, retention_days=31, valid_from=datetime.date(2025, 1, 2), **fields
        )
    assert "retention_days" in exc.value.message_dict
    assert not Authorisation.objects.exists()
    authorisation = sites.authorisation_create(
        protected_site=site, acting_user=operator, retention_days=30, valid_from=datetime.date(2025, 1, 2), **fields
    )
    assert authorisation.valid_until == datetime.date(2030, 1, 1)


def test_public_space_camera_suspended_when_the_authorisation_lapses(world, operator):
    """A camera filming the public space is supervised while the arrêté is in force, suspended once withdrawn."""
    site = ProtectedSiteFactory(site=world.site_a)
    authorisation = AuthorisationFactory(protected_site=site)
    camera = DeviceFactory(protected_site=site, films_public_space=True, is_supervised=False)
    devices.refresh_site_devices(protected_site=site)
    assert Device.objects.get(pk=camera.pk).is_supervised
    sites.authorisation_update(authorisation=authorisation, acting_user=operator, revoked_on=timezone.localdate())
    camera.refresh_from_db()
    assert not camera.is_supervised and "autorisation" in camera.suspended_reason


def test_public_space_camera_cannot_be_activated_without_authorisation(world, operator):
    """Without an arrêté in force, activating a public-space camera is refused and it stays off."""
    site = ProtectedSiteFactory(site=world.site_a)
    camera = DeviceFactory(protected_site=site, films_public_space=True, is_active=False, is_supervised=False)
    with pytest.raises(ValidationError):
        devices.device_activate(device=camera, acting_user=operator)
    assert not Device.objects.get(pk=camera.pk).is_active


def test_college_rules_on_devices(world, operator):
    """In a collège: no indoor camera outside access/circulation/lieu de vie, no analytics; lieux de vie are off
    during opening hours and back after."""
    site = ProtectedSiteFactory(site=world.site_a, is_college=True)
    base = {"kind": "fixed_camera", "name": "Salle 12", "indoor": True}
    with pytest.raises(ValidationError) as exc:
        devices.device_create(protected_site=site, acting_user=operator, zone_kind="other", **base)
    assert "zone_kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        devices.device_create(
            protected_site=site, acting_user=operator, zone_kind="access", analytics_enabled=True, **base
        )
    assert "analytics_enabled" in exc.value.message_dict
    assert not Device.objects.exists()
    camera = devices.device_create(protected_site=site, acting_user=operator, zone_kind="lieu_de_vie", **base)
    assert not camera.analytics_enabled
    sites.opening_periods_set(
        protected_site=site, periods=[(0, datetime.time(8), datetime.time(17))], acting_user=operator
    )
    devices.device_activate(device=camera, acting_user=operator)
    monday_10 = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
    monday_19 = timezone.make_aware(datetime.datetime(2026, 3, 2, 19, 0))
    devices.refresh_site_devices(protected_site=site, at=monday_10)
    assert not Device.objects.get(pk=camera.pk).is_supervised
    devices.refresh_site_devices(protected_site=site, at=monday_19)
    assert Device.objects.get(pk=camera.pk).is_supervised


def test_biometric_reader_only_on_restricted_premises(world, operator):
    """A biometric reader is refused on a site without restricted access, accepted on one with it."""
    site = ProtectedSiteFactory(site=world.site_a)
    with pytest.raises(ValidationError):
        devices.device_create(protected_site=site, acting_user=operator, kind="biometric_reader", name="Bio")
    site.restricted_access = True
    site.save()
    assert devices.device_create(protected_site=site, acting_user=operator, kind="biometric_reader", name="Bio")


def test_municipal_police_only_for_their_commune_and_with_an_agrement(world, operator):
    """Municipal police: habilitated only for their own commune's sites, with an agrément in force; once it
    lapses they no longer see the site's images."""
    site = ProtectedSiteFactory(site=world.site_a)
    agent = UserFactory(email="police@versailles.example.fr")
    before = rows(Habilitation.objects.all())
    with pytest.raises(ValidationError) as exc:
        access.habilitation_grant(
            protected_site=site,
            user=agent,
            kind="municipal_police",
            commune=commune("92012"),
            acting_user=operator,
            agrement_expires_on=timezone.localdate() + datetime.timedelta(days=90),
        )
    assert "commune" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        access.habilitation_grant(
            protected_site=site, user=agent, kind="municipal_police", commune=site.site.commune, acting_user=operator
        )
    assert "agrement_expires_on" in exc.value.message_dict
    assert rows(Habilitation.objects.all()) == before
    habilitation = access.habilitation_grant(
        protected_site=site,
        user=agent,
        kind="municipal_police",
        commune=site.site.commune,
        acting_user=operator,
        agrement_reference="AG-78-12",
        agrement_expires_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    assert can_view_images(agent, site)
    Habilitation.objects.filter(pk=habilitation.pk).update(
        agrement_expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert not can_view_images(agent, site)
    assert not habilitated_site_ids(agent).exists()


def test_operator_habilitation_only_for_operator_staff(world, operator):
    """A member's user cannot be habilitated as an operator of the centre."""
    site = ProtectedSiteFactory(site=world.site_a)
    with pytest.raises(ValidationError):
        access.habilitation_grant(protected_site=site, user=world.agent, kind="operator", acting_user=operator)


def test_revoked_habilitation_stops_access(world, operator):
    """Withdrawn, a habilitation no longer gives the site's images."""
    site = ProtectedSiteFactory(site=world.site_a)
    habilitation = access.habilitation_grant(protected_site=site, user=operator, kind="operator", acting_user=operator)
    assert can_view_images(operator, site)
    access.habilitation_revoke(habilitation=habilitation, acting_user=operator)
    assert not can_view_images(operator, site)


def test_device_asset_of_another_member_refused(world, operator):
    """A device cannot be linked to another member's fleet asset."""
    from mutualis.assets.tests.factories import AssetFactory

    site = ProtectedSiteFactory(site=world.site_a)
    asset = AssetFactory(member=world.member_b, kind="camera")
    with pytest.raises(ValidationError):
        devices.device_create(protected_site=site, acting_user=operator, kind="fixed_camera", name="X", asset=asset)


def test_renewal_alert_four_months_before_expiry_sent_once(world, operator):
    """CSI R252-11: from four months before expiry the operators are told, once, until the renewal is requested."""
    from mutualis.core.models import Notification

    site = ProtectedSiteFactory(site=world.site_a)
    authorisation = AuthorisationFactory(protected_site=site)  # valid until 31/12/2029
    assert sites.authorisation_renewal_alerts(day=datetime.date(2029, 8, 30)) == 0
    assert sites.authorisation_renewal_alerts(day=datetime.date(2029, 8, 31)) == 1
    assert Notification.objects.filter(recipient=operator, kind="supervision.renewal").count() == 1
    assert sites.authorisation_renewal_alerts(day=datetime.date(2029, 9, 1)) == 0
    authorisation.refresh_from_db()
    assert authorisation.renewal_alert_sent_on == datetime.date(2029, 8, 31)
