"""Reads of the charging app: scoping by member, live state, IRVE dynamique rows, public stations, energy."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from mutualis.charging.models import ChargePoint
from mutualis.charging.selectors import public, registry, sessions
from mutualis.charging.services import state
from mutualis.charging.tests import factories

pytestmark = pytest.mark.django_db


def _station(world, **kwargs):
    station = factories.station_at(world.site_b, **kwargs)
    point = factories.ChargePointFactory(station=station, socket_type_2=True, socket_type_ef=False)
    return station, point


def test_a_member_sees_its_stations_and_another_member_s_answer_404(world):
    """Member B's users and staff see B's station; member A's users see none, and asking for it answers 404."""
    station, point = _station(world)
    assert list(registry.station_list(user=world.other_member)) == [station]
    assert list(registry.station_list(user=world.staff)) == [station]
    assert not registry.station_list(user=world.manager).exists()
    with pytest.raises(Http404):
        registry.station_get(user=world.manager, pk=station.pk)
    with pytest.raises(Http404):
        registry.charge_point_get(user=world.manager, pk=point.pk)
    with pytest.raises(Http404):
        registry.station_get(user=world.staff, pk="1e3")


@pytest.mark.parametrize(
    ("online", "statuses", "availability", "irve"),
    [
        (True, {0: "Available", 1: "Available"}, "available", ("en_service", "libre", "fonctionnel")),
        (True, {0: "Available", 1: "Charging"}, "occupied", ("en_service", "occupe", "fonctionnel")),
        (True, {0: "Available", 1: "SuspendedEV"}, "occupied", ("en_service", "occupe", "fonctionnel")),
        (True, {0: "Available", 1: "Finishing"}, "occupied", ("en_service", "occupe", "fonctionnel")),
        (True, {0: "Available", 1: "Reserved"}, "reserved", ("en_service", "reserve", "fonctionnel")),
        (True, {0: "Available", 1: "Faulted"}, "out_of_order", ("hors_service", "inconnu", "hors_service")),
        (True, {0: "Unavailable", 1: "Available"}, "out_of_order", ("hors_service", "inconnu", "hors_service")),
        (False, {0: "Available", 1: "Charging"}, "unknown", ("inconnu", "inconnu", "inconnu")),
    ],
)
def test_live_state_and_its_irve_dynamique_mapping(world, online, statuses, availability, irve):
    """OCPP → IRVE dynamique: Available → en_service/libre; Preparing, Charging, SuspendedEV(SE), Finishing →
    en_service/occupe; Reserved → en_service/reserve; Faulted, Unavailable (the point or a connector) →
    hors_service; offline → inconnu whatever the last status said."""
    station, point = _station(world)
    ChargePoint.objects.filter(pk=point.pk).update(is_online=online, last_seen_at=timezone.now())
    for connector_id, status in statuses.items():
        state.status_changed(charge_point_id=point.pk, connector_id=connector_id, status=status)
    [live] = registry.station_live_state(user=world.staff, station=station)
    assert live.availability == availability
    row = public.irve_dynamic_row(live)
    assert (row["etat_pdc"], row["occupation_pdc"], row["etat_prise_type_2"]) == irve
    assert row["etat_prise_type_ef"] == "" and row["id_pdc_itinerance"] == point.id_pdc_itinerance


def test_the_public_sees_published_stations_only(world):
    """The public list holds published stations; an unpublished one answers 404."""
    shown, _ = _station(world)
    hidden, _ = _station(world, is_published=False)
    assert list(public.public_station_list()) == [shown]
    with pytest.raises(Http404):
        public.public_station_get(pk=hidden.pk)
    assert len(public.public_point_states(public.public_station_get(pk=shown.pk))) == 1


def test_monthly_energy_sums_completed_sessions_per_month(world):
    """Energy, sessions, hours and utilisation per month, for the sessions the user may see."""
    station, point = _station(world)
    today = datetime.date(2026, 3, 15)
    start = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
    factories.SessionFactory(
        charge_point=point,
        started_at=start,
        stopped_at=start + datetime.timedelta(hours=2),
        meter_start_wh=0,
        meter_stop_wh=10_000,
    )
    factories.SessionFactory(
        charge_point=point,
        started_at=start,
        stopped_at=start + datetime.timedelta(hours=1),
        meter_start_wh=500,
        meter_stop_wh=2_500,
    )
    rows = sessions.monthly_energy(user=world.other_member, station=station, months=2, today=today)
    assert [r["month"] for r in rows] == [datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)]
    assert rows[0]["sessions"] == 0
    assert (rows[1]["sessions"], rows[1]["energy_wh"], rows[1]["charging_hours"]) == (2, 12_000, 3.0)
    assert rows[1]["utilisation"] == round(3 / (31 * 24), 4)
    assert sessions.monthly_energy(user=world.manager, months=2, today=today)[1]["sessions"] == 0


def test_session_list_filters(world):
    """Sessions filter by station, badge, status and reconciliation."""
    station, point = _station(world)
    kept = factories.SessionFactory(charge_point=point, id_tag="BADGE-X", reconciled=True)
    factories.SessionFactory(charge_point=point, id_tag="OTHER")
    assert list(sessions.session_list(user=world.staff, filters={"station": station.pk, "id_tag": "badge-x"})) == [kept]
    assert list(sessions.session_list(user=world.staff, filters={"reconciled": "1"})) == [kept]
