"""The supervision demo: about 1,300 cameras (plus readers, sensors and recorders) on the sites of the members who
transferred « vidéoprotection » — town halls, car parks, technical centres, schools — and on ten FICTITIOUS collèges
of the Département des Hauts-de-Seine; their arrêtés (one due for renewal, one lapsed), habilitations, escalation
chains, two sources (`demo-webhook`, `demo-frigate`) with PUBLISHED demo tokens, and alarms in every status made
through the services. Deterministic (one seeded generator) and idempotent: nothing is added once `demo-webhook`
exists.
"""

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from mutualis.accounts.models import User
from mutualis.accounts.services import DEMO_EMAIL_DOMAIN
from mutualis.assets.models import Asset
from mutualis.core.services import audit_record
from mutualis.members.choices import Competence, MemberKind, MemberStatus, SiteKind
from mutualis.members.models import CompetenceTransfer, Member, Site
from mutualis.members.services import site_create
from mutualis.supervision import rules
from mutualis.supervision.choices import (
    AuthorisationPurpose,
    ContactRole,
    DeviceKind,
    HabilitationKind,
    SourceKind,
    ZoneKind,
)
from mutualis.supervision.models import (
    Authorisation,
    Device,
    EscalationContact,
    EventSource,
    Habilitation,
    OpeningPeriod,
    ProtectedSite,
)
from mutualis.supervision.services import alarms as alarm_services
from mutualis.supervision.services.devices import site_facts, supervision_state
from mutualis.supervision.services.ingestion import ingest_events
from mutualis.supervision.services.sources import token_hash

CAMERAS = 1300
# Published demo tokens (like the demo password): `simulate_events` and testers use them. Never in production.
DEMO_WEBHOOK_TOKEN = "demo-webhook-mutualis-2026"
DEMO_FRIGATE_TOKEN = "demo-frigate-mutualis-2026"
DEMO_OPERATOR = f"supervision@{DEMO_EMAIL_DOMAIN}"
# Fictitious collèges of the Hauts-de-Seine (the département owns them and runs their supervision centrally).
COLLEGES = [
    ("Collège Jean-Moulin (fictif)", "92012"),
    ("Collège Les Bouvets (fictif)", "92062"),
    ("Collège Paul-Éluard (fictif)", "92049"),
    ("Collège La Fontaine (fictif)", "92002"),
    ("Collège Les Renardières (fictif)", "92026"),
    ("Collège Henri-Barbusse (fictif)", "92048"),
    ("Collège Marie-Curie (fictif)", "92063"),
    ("Collège Les Champs-Philippe (fictif)", "92050"),
    ("Collège Victor-Hugo (fictif)", "92040"),
    ("Collège Romain-Rolland (fictif)", "92023"),
]
# Cameras by kind of site (scaled to CAMERAS).
WEIGHTS = {
    SiteKind.CAR_PARK: 40,
    SiteKind.COLLEGE: 30,
    SiteKind.TOWN_HALL: 24,
    SiteKind.ADMINISTRATIVE: 16,
    SiteKind.EHPAD: 14,
    SiteKind.SCHOOL: 12,
    SiteKind.TECHNICAL: 10,
}
FRIGATE_SITES = (1, 2)  # these sites' cameras report through the demo Frigate server (0 holds DEMO-CAM-0001)


def _operator() -> User:
    return User.objects.get(email=DEMO_OPERATOR)


def _source(name: str, kind: str, token: str, admin: User | None, **fields: Any) -> EventSource:
    source = EventSource.objects.create(
        name=name,
        kind=kind,
        token_hash=token_hash(token),
        token_prefix=token[:8],
        token_rotated_at=timezone.now(),
        **fields,
    )
    audit_record(actor=admin, action="supervision.source_create", obj=source, after={"name": name, "kind": kind})
    return source


def _video_members(today: datetime.date) -> list[Member]:
    ids = (
        CompetenceTransfer.objects.filter(competence=Competence.VIDEO_PROTECTION)
        .active_on(today)
        .values_list("member_id", flat=True)
    )
    return list(Member.objects.filter(pk__in=ids, status=MemberStatus.ACTIVE).order_by("name"))


def _college_sites(members: list[Member], admin: User) -> list[Site]:
    departement = next((m for m in members if m.kind == MemberKind.DEPARTEMENT and m.departement.code == "92"), None)
    if departement is None:
        return []
    from mutualis.territory.geometry import commune_contains
    from mutualis.territory.models import Commune

    sites = []
    for index, (name, insee) in enumerate(COLLEGES):
        commune = Commune.objects.filter(insee_code=insee).first()
        if commune is None or (
            departement.communes.exists() and not departement.communes.filter(pk=commune.pk).exists()
        ):
            continue
        lat, lon = commune.latitude, commune.longitude
        if lat is None or lon is None or not commune_contains(commune, lat, lon):
            lat = lon = None
        existing = Site.objects.filter(member=departement, name=name).first()
        sites.append(
            existing
            or site_create(
                member=departement,
                acting_user=admin,
                name=name,
                kind=SiteKind.COLLEGE,
                address=f"{index + 1} rue des Écoles",
                commune=commune,
                latitude=lat,
                longitude=lon,
            )
        )
    return sites


def _allocate(sites: list[Site]) -> list[int]:
    weights = [WEIGHTS.get(site.kind, 10) for site in sites]
    total = sum(weights)
    counts = [max(4, round(CAMERAS * w / total)) for w in weights]
    counts[0] += CAMERAS - sum(counts)  # the first site (a town hall) takes the rounding
    return counts


def _authorise(protected: ProtectedSite, today: datetime.date, rng: random.Random, state: str) -> None:
    if state == "lapsed":
        valid_from = today.replace(year=today.year - 5) - datetime.timedelta(days=40)
    elif state == "renewal":
        valid_from = today.replace(year=today.year - 5) + datetime.timedelta(days=60)
    else:
        valid_from = datetime.date(rng.choice([2022, 2023, 2024, 2025]), rng.randint(1, 12), 1)
    Authorisation.objects.create(
        protected_site=protected,
        arrete_reference=f"AP-{protected.site.commune.departement.code}-{valid_from.year}-{protected.pk:04d}",
        arrete_date=valid_from - datetime.timedelta(days=20),
        prefecture=f"Préfecture {protected.site.commune.departement.name}",
        purposes=[AuthorisationPurpose.PUBLIC_BUILDINGS, AuthorisationPurpose.OFFENCES],
        retention_days=rng.choice([15, 21, 30]),
        covers_public_space=True,
        camera_count=protected.devices.count() or None,
        valid_from=valid_from,
        valid_until=rules.authorisation_valid_until(valid_from),
    )


def _devices(
    protected: ProtectedSite,
    cameras: int,
    numbering: dict[str, int],
    webhook: EventSource,
    frigate: EventSource | None,
    rng: random.Random,
    assets: list[Asset],
) -> list[Device]:
    site = protected.site
    devices: list[Device] = []
    slug = "".join(c for c in site.name.lower() if c.isalnum())[:16]
    for index in range(cameras):
        kind = DeviceKind.FIXED_CAMERA
        if site.kind == SiteKind.CAR_PARK and index % 5 == 0:
            kind = DeviceKind.PTZ_CAMERA
        elif site.kind in (SiteKind.TECHNICAL, SiteKind.CAR_PARK) and index % 9 == 0:
            kind = DeviceKind.THERMAL_CAMERA
        indoor = site.kind in (SiteKind.COLLEGE, SiteKind.EHPAD, SiteKind.ADMINISTRATIVE) and index % 2 == 1
        zone = ZoneKind.NONE
        if indoor and protected.is_college:
            zone = [ZoneKind.ACCESS, ZoneKind.CIRCULATION, ZoneKind.CIRCULATION, ZoneKind.LIEU_DE_VIE][index % 4]
        elif indoor:
            zone = ZoneKind.CIRCULATION
        if frigate is not None:
            source, external = frigate, f"{slug}_{index + 1:02d}"
        else:
            numbering["cam"] += 1
            source, external = webhook, f"DEMO-CAM-{numbering['cam']:04d}"
        devices.append(
            Device(
                protected_site=protected,
                kind=kind,
                name=f"Caméra {index + 1:02d} — {site.name}",
                source=source,
                external_id=external,
                films_public_space=not indoor and index % 3 == 0,
                indoor=indoor,
                zone_kind=zone,
                location=("Intérieur" if indoor else "Extérieur") + f", point {index + 1}",
                is_active=True,
                asset=assets.pop() if assets else None,
                latitude=(site.latitude or 0) + rng.uniform(-0.0008, 0.0008) if site.latitude else None,
                longitude=(site.longitude or 0) + rng.uniform(-0.0008, 0.0008) if site.longitude else None,
            )
        )
    for label, kind, prefix, n in (
        ("Lecteur de badges", DeviceKind.ACCESS_READER, "ACC", 2),
        ("Détecteur d'intrusion", DeviceKind.INTRUSION_SENSOR, "IDS", 2),
        ("Enregistreur", DeviceKind.NVR, "NVR", 1),
    ):
        for index in range(n):
            numbering[prefix] += 1
            devices.append(
                Device(
                    protected_site=protected,
                    kind=kind,
                    name=f"{label} {index + 1} — {site.name}",
                    source=webhook,
                    external_id=f"DEMO-{prefix}-{numbering[prefix]:04d}",
                    location="Entrée principale" if kind == DeviceKind.ACCESS_READER else "",
                    indoor=True,
                    is_active=True,
                )
            )
    if protected.restricted_access:
        numbering["BIO"] += 1
        devices.append(
            Device(
                protected_site=protected,
                kind=DeviceKind.BIOMETRIC_READER,
                name=f"Lecteur biométrique — {site.name}",
                source=webhook,
                external_id=f"DEMO-BIO-{numbering['BIO']:04d}",
                location="Local serveurs",
                indoor=True,
                is_active=True,
            )
        )
    return devices


@transaction.atomic
def load(*, seed: int = 13) -> dict[str, int]:
    """Create the demo; returns what was made (nothing when it exists)."""
    if EventSource.objects.filter(name="demo-webhook").exists():
        return {}
    rng = random.Random(seed)  # noqa: S311 — demo data, not security
    today = timezone.localdate()
    admin = (
        User.objects.filter(email=f"admin@{DEMO_EMAIL_DOMAIN}").first()
        or User.objects.filter(staff_role="administrator").first()
    )
    operator = _operator()
    webhook = _source(
        "demo-webhook", SourceKind.WEBHOOK, DEMO_WEBHOOK_TOKEN, admin, description="Émetteur webhook de démonstration"
    )
    frigate = _source(
        "demo-frigate",
        SourceKind.FRIGATE,
        DEMO_FRIGATE_TOKEN,
        admin,
        description="Serveur Frigate de démonstration (broker MQTT local)",
        mqtt_topic_prefix="frigate",
        frigate_base_url="http://127.0.0.1:5000",
    )
    members = _video_members(today)
    colleges = _college_sites(members, admin)
    sites = list(
        Site.objects.filter(member__in=members, is_active=True)
        .exclude(kind=SiteKind.COLLEGE)
        .select_related("member", "commune__departement")
        .order_by("member__name", "name")
    )
    # Versailles's town hall first: it holds DEMO-CAM-0001 (the webhook examples of the documentation).
    sites.sort(key=lambda s: (not (s.kind == SiteKind.TOWN_HALL and s.commune.insee_code == "78646"),))
    sites += [Site.objects.select_related("member", "commune__departement").get(pk=s.pk) for s in colleges]
    counts = _allocate(sites)
    numbering = {"cam": 0, "ACC": 0, "IDS": 0, "NVR": 0, "BIO": 0}
    made = {"sites": 0, "cameras": 0, "devices": 0}
    now = timezone.now()
    lapsed_index, renewal_index = len(sites) // 2, len(sites) // 3
    for index, (site, cameras) in enumerate(zip(sites, counts, strict=True)):
        protected = ProtectedSite.objects.create(
            site=site,
            is_college=site.kind == SiteKind.COLLEGE,
            restricted_access=site.kind == SiteKind.TECHNICAL,
            signage_installed=True,
            signage_checked_on=today - datetime.timedelta(days=rng.randint(10, 300)),
            notes="Clés au poste de garde ; rappeler le responsable du site avant toute intervention.",
        )
        if protected.is_college:
            OpeningPeriod.objects.bulk_create(
                [
                    OpeningPeriod(
                        protected_site=protected,
                        weekday=day,
                        opens_at=datetime.time(7, 45),
                        closes_at=datetime.time(13, 0) if day == 2 else datetime.time(18, 0),
                    )
                    for day in range(5)
                ]
            )
        state = "lapsed" if index == lapsed_index else "renewal" if index == renewal_index else "ok"
        _authorise(protected, today, rng, state)
        assets = list(
            Asset.objects.filter(member=site.member, site=site, kind="camera", supervision_devices__isnull=True)
        )
        devices = _devices(
            protected,
            cameras,
            numbering,
            webhook,
            frigate if index in FRIGATE_SITES and len(sites) > 5 else None,
            rng,
            assets,
        )
        facts = site_facts(protected, now)
        for device in devices:
            device.is_supervised, device.suspended_reason = supervision_state(device, at=now, facts=facts)
        Device.objects.bulk_create(devices)
        EscalationContact.objects.bulk_create(
            [
                EscalationContact(
                    protected_site=protected,
                    position=1,
                    role=ContactRole.ON_CALL_TECHNICIAN,
                    name="Astreinte technique",
                    phone="0139000001",
                    delay_minutes=5,
                ),
                EscalationContact(
                    protected_site=protected,
                    position=2,
                    role=ContactRole.SITE_MANAGER,
                    name=f"Responsable — {site.name}",
                    email=f"responsable.site{site.pk}@{DEMO_EMAIL_DOMAIN}",
                    delay_minutes=15,
                ),
                EscalationContact(
                    protected_site=protected,
                    position=3,
                    role=ContactRole.POLICE,
                    name="Police municipale",
                    phone="0139000017",
                    delay_minutes=30,
                ),
            ]
        )
        Habilitation.objects.create(
            protected_site=protected, user=operator, kind=HabilitationKind.OPERATOR, granted_by=admin
        )
        if admin is not None:
            Habilitation.objects.create(
                protected_site=protected, user=admin, kind=HabilitationKind.OPERATOR, granted_by=admin
            )
        made["sites"] += 1
        made["cameras"] += cameras
        made["devices"] += len(devices)
    made["alarms"] = _alarms(webhook, operator, now)
    return made


def _alarms(webhook: EventSource, operator: User, now: datetime.datetime) -> int:
    """A few hours of life: alarms in every status, made through ingestion and the operator's workflow."""

    def at(minutes: int) -> str:
        return (now - datetime.timedelta(minutes=minutes)).isoformat()

    cams = list(
        Device.objects.filter(source=webhook, kind=DeviceKind.FIXED_CAMERA, is_supervised=True).order_by("external_id")[
            :12
        ]
    )
    doors = list(Device.objects.filter(source=webhook, kind=DeviceKind.ACCESS_READER).order_by("external_id")[:3])
    if len(cams) < 9 or len(doors) < 2:
        return 0
    events = [
        {
            "id": "demo-1",
            "device": cams[0].external_id,
            "kind": "intrusion",
            "occurred_at": at(3),
            "severity": "alert",
            "zone": "parvis",
        },
        {"id": "demo-2", "device": cams[1].external_id, "kind": "line_crossing", "occurred_at": at(6)},
        {"id": "demo-3", "device": doors[0].external_id, "kind": "door_forced", "occurred_at": at(8)},
        {"id": "demo-4", "device": cams[2].external_id, "kind": "motion", "occurred_at": at(12)},
        {"id": "demo-5", "device": cams[3].external_id, "kind": "tamper", "occurred_at": at(25)},
        {"id": "demo-6", "device": cams[4].external_id, "kind": "intrusion", "occurred_at": at(40)},
        {"id": "demo-7", "device": cams[5].external_id, "kind": "motion", "occurred_at": at(55)},
        {
            "id": "demo-8",
            "device": cams[6].external_id,
            "kind": "intrusion",
            "occurred_at": at(90),
            "snapshot_url": "http://127.0.0.1:5000/api/events/demo-8/snapshot.jpg",
        },
        {"id": "demo-9", "device": cams[7].external_id, "kind": "fire", "occurred_at": at(120)},
        {"id": "demo-10", "device": cams[8].external_id, "kind": "offline", "occurred_at": at(30)},
        {"id": "demo-11", "device": doors[1].external_id, "kind": "door_held_open", "occurred_at": at(150)},
    ]
    results = ingest_events(source=webhook, events=events)
    alarm = {r["id"]: r["alarm"] for r in results}
    from mutualis.supervision.models import Alarm

    def get(event_id: str) -> Alarm:
        return Alarm.objects.get(pk=alarm[event_id])

    alarm_services.alarm_claim(alarm=get("demo-5"), acting_user=operator)
    alarm_services.alarm_comment(alarm=get("demo-5"), text="Technicien prévenu, passage prévu.", acting_user=operator)
    alarm_services.alarm_claim(alarm=get("demo-6"), acting_user=operator)
    alarm_services.alarm_hold(
        alarm=get("demo-6"), reason="Patrouille de la police municipale en route.", acting_user=operator
    )
    alarm_services.alarm_claim(alarm=get("demo-7"), acting_user=operator)
    alarm_services.alarm_close(
        alarm=get("demo-7"),
        qualification="false_alarm",
        cause="animal",
        note="Renard sur le parking.",
        acting_user=operator,
    )
    intrusion = get("demo-8")
    alarm_services.alarm_claim(alarm=intrusion, acting_user=operator)
    event = intrusion.events.first()
    alarm_services.alarm_verify(
        alarm=intrusion,
        evidence_reference=f"snapshot:{event.pk}",
        note="Deux personnes escaladent la grille.",
        acting_user=operator,
    )
    alarm_services.alarm_call_police(
        alarm=intrusion,
        service="17 Police secours",
        reference="PS-DEMO-0042",
        evidence_reference="",
        acting_user=operator,
    )
    alarm_services.alarm_close(
        alarm=intrusion,
        qualification="intrusion",
        note="Interpellation par la police ; aucune dégradation intérieure.",
        acting_user=operator,
    )
    alarm_services.alarm_claim(alarm=get("demo-9"), acting_user=operator)
    alarm_services.alarm_close(
        alarm=get("demo-9"), qualification="technical_fault", note="Détecteur encrassé.", acting_user=operator
    )
    return Alarm.objects.count()
