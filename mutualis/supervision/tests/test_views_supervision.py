"""Supervision pages: the role matrix on every route (habilitated operators act, members read their own sites,
others get 404), and the pages' forms end to end."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.supervision.choices import AlarmStatus
from mutualis.supervision.models import (
    Alarm,
    Authorisation,
    Device,
    EscalationContact,
    EventSource,
    Habilitation,
    PoliceCall,
    PriorityRule,
    ProtectedSite,
    TimelineEntry,
)
from mutualis.supervision.tests.factories import (
    AlarmFactory,
    AuthorisationFactory,
    DeviceFactory,
    EscalationContactFactory,
    EventSourceFactory,
    HabilitationFactory,
    ProtectedSiteFactory,
)

pytestmark = pytest.mark.django_db

READ = {"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200}
OPERATE = {"other_member": 404, "reader": 403, "agent": 403, "manager": 403, "staff": 302}
MANAGE_GET = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 200}
MANAGE_POST = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302}


@pytest.fixture
def setup(world):
    site = ProtectedSiteFactory(site=world.site_a)
    AuthorisationFactory(protected_site=site)
    device = DeviceFactory(protected_site=site, source=EventSourceFactory(name="webhook-a"))
    alarm = AlarmFactory(device=device)
    HabilitationFactory(protected_site=site, user=world.staff)
    return site, device, alarm


def _alarm_state():
    return (rows(Alarm.objects.all()), TimelineEntry.objects.count(), PoliceCall.objects.count())


def test_console_only_for_operators(world, setup):
    """The console is for supervision operators and administrators; members' users get 404."""
    assert_role_matrix(world, method="get", url="/supervision/console/", expected=MANAGE_GET)


def test_console_shows_the_open_alarms_of_habilitated_sites(world, setup):
    """The console lists the habilitated site's open alarms and the websocket address of the live queue."""
    _site, _device, alarm = setup
    response = login_as(Client(), world.staff).get("/supervision/console/")
    assert alarm.title in response.content.decode()
    assert response.context["console_ws_url"] == ""  # REALTIME_URL is "off" in the test settings


@pytest.mark.parametrize("url", ["/supervision/alarmes/", "/supervision/incidents/"])
def test_lists_for_every_signed_in_user(world, setup, url):
    """Alarm and incident lists: every signed-in user sees the page (with their own rows)."""
    assert_role_matrix(world, method="get", url=url, expected=READ | {"other_member": 200})


def test_member_list_shows_own_alarms_only(world, setup):
    """Member A's reader sees member A's alarm; member B's manager does not."""
    _site, _device, alarm = setup
    assert alarm.title in login_as(Client(), world.reader).get("/supervision/alarmes/").content.decode()
    assert alarm.title not in login_as(Client(), world.other_member).get("/supervision/alarmes/").content.decode()


@pytest.mark.parametrize("suffix", ["", "rapport/", "rapport.pdf"])
def test_alarm_detail_and_report_matrix(world, setup, suffix):
    """The alarm, its report and PDF: member A's users and the habilitated operator; member B gets 404."""
    _site, _device, alarm = setup
    assert_role_matrix(world, method="get", url=f"/supervision/alarmes/{alarm.pk}/{suffix}", expected=READ)


def test_unhabilitated_operator_gets_404(world, setup):
    """An operator without habilitation for the site does not see its alarm."""
    _site, _device, alarm = setup
    Habilitation.objects.all().delete()
    assert login_as(Client(), world.staff).get(f"/supervision/alarmes/{alarm.pk}/").status_code == 404


def test_report_pdf_is_a_pdf(world, setup):
    """The incident report downloads as a PDF."""
    _site, _device, alarm = setup
    response = login_as(Client(), world.reader).get(f"/supervision/alarmes/{alarm.pk}/rapport.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "action,data",
    [
        ("claim", {}),
        ("acknowledge", {}),
        ("comment", {"comment-text": "Ronde demandée"}),
        ("verify", {"verify-evidence_reference": "alarm-snapshot"}),
        ("close", {"close-qualification": "false_alarm", "close-cause": "animal"}),
    ],
)
def test_alarm_actions_matrix(world, setup, action, data):
    """Actions on an alarm: the habilitated operator only; members' users 403 (they read it), member B 404."""
    _site, _device, alarm = setup
    if action == "verify":
        Alarm.objects.filter(pk=alarm.pk).update(snapshot_url="https://nvr.example.fr/s.jpg")
        data = {"verify-evidence_reference": f"alarm-snapshot:{alarm.pk}"}
    assert_role_matrix(
        world,
        method="post",
        url=f"/supervision/alarmes/{alarm.pk}/{action}/",
        data=data,
        expected=OPERATE,
        state=_alarm_state,
    )


@pytest.mark.parametrize(
    "action,data",
    [
        ("release", {}),
        ("hold", {"hold-reason": "Patrouille en route"}),
        ("resume", {}),
        ("police", {"police-service": "17", "police-reference": "PS-1"}),
    ],
)
def test_alarm_actions_on_a_claimed_verified_alarm_matrix(world, setup, action, data):
    """Release, hold, resume, police call on a claimed (and verified, held for resume) alarm: the habilitated
    operator only; members' users 403, member B 404, nothing changed when refused."""
    _site, _device, alarm = setup
    from mutualis.supervision.services import alarms as services

    services.alarm_claim(alarm=alarm, acting_user=world.staff)
    services.alarm_verify(alarm=alarm, evidence_reference="snapshot:1", acting_user=world.staff)
    if action == "resume":
        services.alarm_hold(alarm=alarm, reason="x", acting_user=world.staff)
    assert_role_matrix(
        world,
        method="post",
        url=f"/supervision/alarmes/{alarm.pk}/{action}/",
        data=data,
        expected=OPERATE,
        state=_alarm_state,
    )


def test_snapshot_only_for_the_habilitated(world, setup):
    """The snapshot: members' users (not habilitated for images) 403; the operator 404 when its host is not the
    source's own Frigate server (never fetched)."""
    _site, _device, alarm = setup
    Alarm.objects.filter(pk=alarm.pk).update(snapshot_url="https://ailleurs.example.fr/snap.jpg")
    assert_role_matrix(
        world,
        method="get",
        url=f"/supervision/alarmes/{alarm.pk}/vignette/",
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 403, "staff": 404},
    )


def test_close_without_qualification_is_400_and_changes_nothing(world, setup):
    """Closing without a qualification: 400 with the error on the form, nothing changed."""
    _site, _device, alarm = setup
    client = login_as(Client(), world.staff)
    before = _alarm_state()
    response = client.post(f"/supervision/alarmes/{alarm.pk}/close/", {"close-qualification": "", "close-note": ""})
    assert response.status_code == 400
    assert _alarm_state() == before


def test_false_alarm_without_cause_is_400(world, setup):
    """A false alarm needs its cause: 400, the alarm stays open."""
    _site, _device, alarm = setup
    response = login_as(Client(), world.staff).post(
        f"/supervision/alarmes/{alarm.pk}/close/", {"close-qualification": "false_alarm"}
    )
    assert response.status_code == 400
    assert Alarm.objects.get(pk=alarm.pk).status == AlarmStatus.NEW


def test_police_call_refused_without_verification(world, setup):
    """« Appeler les forces de l'ordre » before the levée de doute: refused (403), nothing recorded."""
    _site, _device, alarm = setup
    before = _alarm_state()
    response = login_as(Client(), world.staff).post(
        f"/supervision/alarmes/{alarm.pk}/police/", {"police-service": "17", "police-reference": "X"}
    )
    assert response.status_code == 403
    assert _alarm_state() == before


def test_verified_intrusion_with_police_call_then_closed(world, setup):
    """Verify with the event's snapshot, call the police (who, when, reference), qualify as intrusion."""
    _site, device, alarm = setup
    event = alarm.events.create(
        source=device.source,
        source_event_id="e1",
        device=device,
        kind="intrusion",
        occurred_at=timezone.now(),
        snapshot_url="https://nvr.example.fr/e1.jpg",
    )
    client = login_as(Client(), world.staff)
    url = f"/supervision/alarmes/{alarm.pk}/"
    assert (
        client.post(
            url + "verify/", {"verify-evidence_reference": f"snapshot:{event.pk}", "verify-note": "Deux individus"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url + "police/", {"police-service": "17 Police secours", "police-reference": "PS-2026-118"}
        ).status_code
        == 302
    )
    call = PoliceCall.objects.get()
    assert (call.called_by, call.reference, call.evidence_reference) == (
        world.staff,
        "PS-2026-118",
        f"snapshot:{event.pk}",
    )
    response = client.post(
        url + "close/", {"close-qualification": "intrusion", "close-note": "Interpellation par la police."}
    )
    assert response.status_code == 302
    alarm.refresh_from_db()
    assert (alarm.status, alarm.qualification) == (AlarmStatus.CLOSED, "intrusion")
    kinds = list(alarm.timeline.values_list("kind", flat=True))
    assert {"verified", "police_called", "qualified", "closed"} <= set(kinds)


def test_unknown_action_is_404(world, setup):
    """An action that does not exist answers 404."""
    _site, _device, alarm = setup
    assert login_as(Client(), world.staff).post(f"/supervision/alarmes/{alarm.pk}/exploser/").status_code == 404


# --- Management pages -------------------------------------------------------------------------------------------


def _manage_state():
    return (
        rows(ProtectedSite.objects.all()),
        rows(Authorisation.objects.all()),
        rows(Habilitation.objects.all()),
        rows(Device.objects.all()),
        rows(EscalationContact.objects.all()),
        rows(EventSource.objects.all()),
        rows(PriorityRule.objects.all()),
    )


@pytest.mark.parametrize(
    "path",
    [
        "sites/",
        "sites/proteger/",
        "sites/{site}/",
        "sites/{site}/modifier/",
        "sites/{site}/horaires/",
        "sites/{site}/autorisations/nouvelle/",
        "sites/{site}/habilitations/nouvelle/",
        "sites/{site}/equipements/nouveau/",
        "sites/{site}/contacts/nouveau/",
        "sites/{site}/priorites/",
        "autorisations/{authorisation}/modifier/",
        "equipements/{device}/modifier/",
        "equipements/{device}/activer/",
        "sources/",
        "sources/nouvelle/",
    ],
)
def test_management_pages_matrix(world, setup, path):
    """Management pages: operators of supervision and administrators only; everyone else 404."""
    site, device, _alarm = setup
    url = "/supervision/" + path.format(site=site.pk, device=device.pk, authorisation=site.authorisations.first().pk)
    assert_role_matrix(world, method="get", url=url, expected=MANAGE_GET)


def test_management_writes_matrix(world, setup):
    """Writes of the management pages: refused (404) to every non-operator, nothing changed."""
    site, device, _alarm = setup
    contact = EscalationContactFactory(protected_site=site)
    habilitation = Habilitation.objects.get()
    source = device.source
    for url, data in [
        (f"/supervision/equipements/{device.pk}/desactiver/", {}),
        (f"/supervision/contacts/{contact.pk}/supprimer/", {}),
        (f"/supervision/habilitations/{habilitation.pk}/retirer/", {}),
        (f"/supervision/sources/{source.pk}/jeton/", {}),
    ]:
        expected = {**MANAGE_POST, "staff": 200 if "jeton" in url else 302}
        assert_role_matrix(
            world,
            method="post",
            url=url,
            data=data,
            expected=expected,
            state=_manage_state if "jeton" not in url else None,
        )


@pytest.mark.parametrize(
    "path,data",
    [
        (
            "sites/{site}/modifier/",
            {
                "correlation_window_seconds": 60,
                "merge_window_seconds": 60,
                "heartbeat_timeout_minutes": 5,
                "is_active": "on",
            },
        ),
        ("sites/{site}/horaires/", {"opens_0": "08:00", "closes_0": "17:00"}),
        (
            "sites/{site}/contacts/nouveau/",
            {"position": 5, "role": "site_manager", "name": "Gardien", "phone": "0101010101", "delay_minutes": 10},
        ),
        ("sites/{site}/equipements/nouveau/", {"kind": "intrusion_sensor", "name": "Détecteur hall"}),
        ("equipements/{device}/modifier/", {"kind": "fixed_camera", "name": "Caméra renommée"}),
        (
            "autorisations/{authorisation}/modifier/",
            {
                "arrete_reference": "AP-X",
                "arrete_date": "2024-12-15",
                "purposes": ["offences"],
                "retention_days": 20,
                "valid_from": "2025-01-01",
            },
        ),
        ("sources/nouvelle/", {"name": "webhook-nouveau", "kind": "webhook"}),
        ("sites/{site}/priorites/", {"kind": "motion", "priority": "1"}),
    ],
)
def test_management_form_writes_matrix(world, setup, path, data):
    """Management forms: operators of supervision write (staff: redirect, or the token page for a new source);
    everyone else 404 and nothing changes."""
    site, device, _alarm = setup
    url = "/supervision/" + path.format(site=site.pk, device=device.pk, authorisation=site.authorisations.first().pk)
    expected = {**MANAGE_POST, "staff": 200 if path.startswith("sources") else 302}
    assert_role_matrix(world, method="post", url=url, data=data, expected=expected, state=_manage_state)


def test_protect_authorise_habilitate_and_add_a_device(world):
    """An operator protects member A's site, records its arrêté, habilitates a person, adds and activates a camera."""
    client = login_as(Client(), world.staff)
    response = client.post("/supervision/sites/proteger/", {"site": world.site_a.pk, "signage_installed": "on"})
    site = ProtectedSite.objects.get(site=world.site_a)
    assert response.status_code == 302
    response = client.post(
        f"/supervision/sites/{site.pk}/autorisations/nouvelle/",
        {
            "arrete_reference": "AP-78-2025-12",
            "arrete_date": "2025-01-10",
            "purposes": ["public_buildings"],
            "retention_days": "15",
            "covers_public_space": "on",
            "valid_from": "2025-01-15",
        },
    )
    assert response.status_code == 302
    assert Authorisation.objects.get().valid_until == datetime.date(2030, 1, 14)
    assert (
        client.post(
            f"/supervision/sites/{site.pk}/habilitations/nouvelle/",
            {"email": world.staff.email, "kind": "operator", "can_view_images": "on"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/supervision/sites/{site.pk}/equipements/nouveau/",
            {"kind": "fixed_camera", "name": "Parvis", "films_public_space": "on"},
        ).status_code
        == 302
    )
    device = Device.objects.get()
    assert not device.is_active and not device.analytics_enabled
    assert client.post(f"/supervision/equipements/{device.pk}/activer/").status_code == 302
    device.refresh_from_db()
    assert device.is_active and device.is_supervised


def test_authorisation_over_30_days_refused_on_the_form(world):
    """A retention of 31 days is refused with the article on the form (400), nothing recorded."""
    site = ProtectedSiteFactory(site=world.site_a)
    before = _manage_state()
    response = login_as(Client(), world.staff).post(
        f"/supervision/sites/{site.pk}/autorisations/nouvelle/",
        {
            "arrete_reference": "AP-1",
            "arrete_date": "2025-01-10",
            "purposes": ["public_buildings"],
            "retention_days": "31",
            "valid_from": "2025-01-15",
        },
    )
    assert response.status_code == 400 and "L252-5" in response.content.decode()
    assert _manage_state() == before


def test_public_space_camera_activation_refused_without_authorisation(world):
    """Activating a camera filming the public space without an authorisation in force: 400 with why."""
    site = ProtectedSiteFactory(site=world.site_a)
    device = DeviceFactory(protected_site=site, films_public_space=True, is_active=False, is_supervised=False)
    response = login_as(Client(), world.staff).post(f"/supervision/equipements/{device.pk}/activer/")
    assert response.status_code == 400
    assert not Device.objects.get(pk=device.pk).is_active


def test_source_token_shown_once(world):
    """Creating a source shows its token once; only its hash is stored."""
    response = login_as(Client(), world.staff).post(
        "/supervision/sources/nouvelle/", {"name": "frigate-test", "kind": "frigate"}
    )
    assert response.status_code == 200
    token = response.context["token"]
    source = EventSource.objects.get(name="frigate-test")
    assert token not in str(rows(EventSource.objects.all())) and source.token_prefix == token[:8]


def test_account_panel_for_members_of_protected_sites(world, setup):
    """« Mon compte » shows member A's users their sites' alarms; member B's manager and operator staff nothing."""
    assert "Sûreté de vos sites" in login_as(Client(), world.reader).get("/compte/").content.decode()
    assert "Sûreté de vos sites" not in login_as(Client(), world.other_member).get("/compte/").content.decode()
    assert "Sûreté de vos sites" not in login_as(Client(), world.staff).get("/compte/").content.decode()


def test_asset_page_shows_its_supervised_device(world, setup):
    """The asset page of a camera that is a supervised device says so."""
    from mutualis.assets.tests.factories import AssetFactory

    _site, device, _alarm = setup
    asset = AssetFactory(member=world.member_a, kind="camera")
    Device.objects.filter(pk=device.pk).update(asset=asset)
    body = login_as(Client(), world.manager).get(f"/equipements/{asset.pk}/").content.decode()
    assert "Supervision" in body and device.name in body
