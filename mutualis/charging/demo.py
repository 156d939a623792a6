"""A FICTITIOUS public charging network for the demo: a station in seven Yvelines communes and three of the
Hauts-de-Seine (members holding the EV charging competence), each with its two 22 kW points (Type 2S and Type E/F),
its borne in the fleet, and two months of sessions with meter values; a test station whose points no simulator
drives (`SYN-LIBRE-01`, OCPP 1.6J, and `SYN-LIBRE-201`, OCPP 2.0.1) and an accepted badge `BADGE-DEMO-01`, for
trying the gateway with any OCPP client.

Idempotent: nothing is added once the test station exists. The registry goes through the services; the session
history is bulk inserted (one seeded generator), since `make run` loads the demo every time.
"""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from mutualis.assets.choices import AssetKind
from mutualis.assets.services import asset_create
from mutualis.charging.choices import (
    AccessCondition,
    ConnectorStatus,
    Implantation,
    OcppVersion,
    PmrAccessibility,
    SessionStatus,
)
from mutualis.charging.models import ChargePoint, ChargingSession, Connector, MeterValue, Station
from mutualis.charging.services.registry import charge_point_create, station_create
from mutualis.charging.services.tags import id_tag_create
from mutualis.members.choices import Competence, MemberKind, SiteKind
from mutualis.members.models import Member, Site
from mutualis.members.offers import member_has_competence
from mutualis.members.services import competence_transfer_add

TEST_STATION_ID = "FRSYNP7864699"
FREE_16 = "SYN-LIBRE-01"
FREE_201 = "SYN-LIBRE-201"
DEMO_TAG = "BADGE-DEMO-01"
HISTORY_DAYS = 60
# (INSEE code, station name, address); the seven Yvelines communes first.
STATIONS = [
    ("78646", "Versailles — Place Hoche", "Place Hoche, 78000 Versailles"),
    ("78686", "Viroflay — Gare rive droite", "Avenue du Général Leclerc, 78220 Viroflay"),
    ("78126", "La Celle-Saint-Cloud — Mairie", "Avenue Charles de Gaulle, 78170 La Celle-Saint-Cloud"),
    ("78423", "Montigny-le-Bretonneux — Centre", "Place Étienne Marcel, 78180 Montigny-le-Bretonneux"),
    ("78297", "Guyancourt — Parc des sports", "Rue Ambroise Croizat, 78280 Guyancourt"),
    ("78158", "Le Chesnay-Rocquencourt — Parly 2", "Avenue Dutartre, 78150 Le Chesnay-Rocquencourt"),
    ("78640", "Vélizy-Villacoublay — Mairie", "Place de l'Hôtel de Ville, 78140 Vélizy-Villacoublay"),
    ("92012", "Boulogne-Billancourt — Marcel Sembat", "Place Marcel Sembat, 92100 Boulogne-Billancourt"),
    ("92040", "Issy-les-Moulineaux — Corentin Celton", "Place Corentin Celton, 92130 Issy-les-Moulineaux"),
    ("92072", "Sèvres — Pont de Sèvres", "Grande Rue, 92310 Sèvres"),
]


def identities(insee: str) -> tuple[str, str]:
    """The OCPP identities of a demo station's two points (the simulator drives these)."""
    return f"SYN-{insee}-1", f"SYN-{insee}-2"


def _member_site(insee: str) -> Site | None:
    """The commune member's car park site (or its first site)."""
    member = Member.objects.filter(kind=MemberKind.COMMUNE, communes__insee_code=insee).first()
    if member is None:
        return None
    return member.sites.filter(kind=SiteKind.CAR_PARK).first() or member.sites.order_by("pk").first()


def _with_competence(member: Member, admin: Any) -> None:
    # Le Chesnay-Rocquencourt and Vélizy-Villacoublay transfer the competence for the demo's seven Yvelines stations.
    if member_has_competence(member, Competence.EV_CHARGING):
        return
    first = member.competences.order_by("start_date").first()
    start = first.start_date if first else datetime.date(2024, 1, 1)
    competence_transfer_add(
        member=member,
        competence=Competence.EV_CHARGING,
        start_date=start,
        deliberation_reference=f"DEL-IRVE-{member.siren[-3:]}",
        acting_user=admin,
    )


def _station(site: Site, station_id: str, name: str, address: str, index: int, admin: Any) -> Station:
    commune = site.commune
    lat = (site.latitude or commune.latitude or 48.8) + 0.0015
    lon = (site.longitude or commune.longitude or 2.13) - 0.001
    asset = asset_create(
        member=site.member,
        site=site,
        kind=AssetKind.CHARGING_STATION,
        designation="Borne de recharge double 2 × 22 kW",
        manufacturer="Borne Publique SA (fictif)",
        reference="BP-2x22-T2S-EF",
        serial_number=f"BP22-{station_id[-8:]}",
        delivered_on=datetime.date(2024, 3, 1) + datetime.timedelta(days=11 * index),
        acting_user=admin,
        warranty_months=24,
    )
    return station_create(
        site=site,
        asset=asset,
        acting_user=admin,
        id_station_itinerance=station_id,
        name=name,
        address=address,
        latitude=round(lat, 6),
        longitude=round(lon, 6),
        implantation=Implantation.STREET if index % 3 else Implantation.PUBLIC_CAR_PARK,
        access_condition=AccessCondition.FREE,
        opening_hours="24/7",
        pmr_accessibility=PmrAccessibility.ACCESSIBLE if index % 2 == 0 else PmrAccessibility.UNKNOWN,
        height_restriction="Inconnu",
        reservable=True,
        payment_per_session=True,
        payment_card=True,
        tariff="0,35 € / kWh ; 0,05 € / min après 3 h",
        commissioned_on=datetime.date(2024, 4, 1) + datetime.timedelta(days=11 * index),
    )


def _points(
    station: Station, pdc_prefix: str, names: tuple[str, str], versions: tuple[str, str], admin: Any
) -> list[ChargePoint]:
    points = []
    for n, (identity, version) in enumerate(zip(names, versions, strict=True), start=1):
        points.append(
            charge_point_create(
                station=station,
                acting_user=admin,
                id_pdc_itinerance=f"{pdc_prefix}{n}",
                ocpp_identity=identity,
                ocpp_version=version,
                power_kw=Decimal("22"),
                socket_type_2=n == 1,  # « Type 2S »: type 2 with shutters
                socket_type_ef=n == 2,
            )
        )
    return points


def _history(points: list[ChargePoint], *, now: datetime.datetime, seed: int) -> tuple[int, int]:
    """Completed sessions over HISTORY_DAYS days with their energy and power readings every 15 minutes."""
    rng = random.Random(seed)
    sessions: list[ChargingSession] = []
    readings: list[list[tuple[datetime.datetime, float, float]]] = []
    ref = 500_000
    for cp in points:
        meter = rng.randint(200_000, 2_000_000)
        for day in range(HISTORY_DAYS, 0, -1):
            date = (now - datetime.timedelta(days=day)).replace(minute=0, second=0, microsecond=0)
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                start = date.replace(hour=rng.randint(7, 20)) + datetime.timedelta(minutes=rng.randint(0, 59))
                minutes = rng.randint(25, 180)
                power_w = rng.choice((3700, 7400, 11000, 11000, 22000)) * rng.uniform(0.85, 1.0)
                points_seen = []
                wh = meter
                for step in range(0, minutes + 1, 15):
                    wh = meter + int(power_w * step / 60)
                    points_seen.append((start + datetime.timedelta(minutes=step), float(wh), round(power_w, 1)))
                ref += 1
                sessions.append(
                    ChargingSession(
                        charge_point=cp,
                        ocpp_version=cp.ocpp_version,
                        transaction_ref=str(ref),
                        status=SessionStatus.COMPLETED,
                        id_tag=f"BADGE-{rng.randint(1, 40):04d}",
                        authorization_status="Accepted",
                        started_at=start,
                        stopped_at=start + datetime.timedelta(minutes=minutes),
                        meter_start_wh=meter,
                        meter_stop_wh=wh,
                        last_meter_wh=wh,
                        last_meter_at=start + datetime.timedelta(minutes=minutes),
                        stop_reason=rng.choice(("Local", "Local", "EVDisconnected", "Remote")),
                    )
                )
                readings.append(points_seen)
                meter = wh + rng.randint(0, 50)
    created = ChargingSession.objects.bulk_create(sessions, batch_size=1000)
    values = [
        MeterValue(
            charge_point_id=session.charge_point_id,
            session=session,
            connector_id=1,
            timestamp=at,
            measurand=measurand,
            value=value,
            unit=unit,
            context="Sample.Periodic",
        )
        for session, rows in zip(created, readings, strict=True)
        for at, wh, watts in rows
        for measurand, value, unit in (
            ("Energy.Active.Import.Register", wh, "Wh"),
            ("Power.Active.Import", watts, "W"),
        )
    ]
    MeterValue.objects.bulk_create(values, batch_size=5000)
    return len(created), len(values)


def _last_known_state(points: list[ChargePoint], now: datetime.datetime) -> None:
    # Points are offline until a charger (or the simulator) connects; their last status was « Available ».
    Connector.objects.filter(charge_point__in=points).update(status=ConnectorStatus.AVAILABLE, status_at=now)
    ChargePoint.objects.filter(pk__in=[p.pk for p in points]).update(
        registration_status="Accepted", vendor="Borne Publique SA", model="BP-2x22", last_seen_at=now
    )


@transaction.atomic
def load(*, admin: Any, seed: int = 78) -> dict[str, int]:
    """Load the demo network (see the module docstring); the counts of what was created."""
    if Station.objects.filter(id_station_itinerance=TEST_STATION_ID).exists():
        return {}
    now = timezone.now()
    counts = {"stations": 0, "points": 0, "sessions": 0, "values": 0}
    all_points: list[ChargePoint] = []
    for index, (insee, name, address) in enumerate(STATIONS):
        site = _member_site(insee)
        if site is None:
            continue
        _with_competence(site.member, admin)
        station = _station(site, f"FRSYNP{insee}01", name, address, index, admin)
        points = _points(station, f"FRSYNE{insee}01", identities(insee), (OcppVersion.V16, OcppVersion.V16), admin)
        all_points += points
        counts["stations"] += 1
        counts["points"] += len(points)
    _last_known_state(all_points, now)
    counts["sessions"], counts["values"] = _history(all_points, now=now, seed=seed)
    versailles = _member_site("78646")
    if versailles is not None:
        technical = versailles.member.sites.filter(kind=SiteKind.TECHNICAL).first() or versailles
        station = _station(
            technical, TEST_STATION_ID, "Station d'essai OCPP (Versailles)", technical.address, 99, admin
        )
        _points(station, "FRSYNE78646990", (FREE_16, FREE_201), (OcppVersion.V16, OcppVersion.V201), admin)
        counts["stations"] += 1
        counts["points"] += 2
        id_tag_create(
            member=versailles.member,
            id_tag=DEMO_TAG,
            holder="Badge de démonstration (essais OCPP)",
            acting_user=admin,
        )
    return counts
