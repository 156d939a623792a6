"""What the gateway hands over by the hundred, written set-based: statuses and meter values, in the order they came."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mutualis.charging.choices import SessionStatus
from mutualis.charging.models import ChargingSession, Connector, MeterValue
from mutualis.charging.services import sessions, state
from mutualis.charging.tests.factories import ChargePointFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _connector(point, connector_id=1):
    return Connector.objects.get(charge_point=point, connector_id=connector_id)


def test_statuses_of_one_lot_are_applied_in_order():
    """In one lot, each connector ends with its last status: Faulted then Available is Available without a fault,
    Available then Faulted is Faulted since its time; an older status changes nothing; an unknown connector is
    added."""
    first, second = ChargePointFactory(), ChargePointFactory()
    now = timezone.now()
    earlier, later = now - datetime.timedelta(minutes=2), now - datetime.timedelta(minutes=1)
    applied = state.statuses_changed(
        [
            state.StatusReport(first.pk, 1, "Faulted", error_code="GroundFailure", timestamp=earlier),
            state.StatusReport(second.pk, 1, "Available", timestamp=earlier),
            state.StatusReport(first.pk, 1, "Available", timestamp=later),
            state.StatusReport(second.pk, 1, "Faulted", error_code="GroundFailure", timestamp=later),
            state.StatusReport(second.pk, 1, "Charging", timestamp=earlier - datetime.timedelta(hours=1)),
            state.StatusReport(second.pk, 3, "Charging", timestamp=later),
        ]
    )
    assert applied == 5
    one, two = _connector(first), _connector(second)
    assert (one.status, one.error_code, one.fault_since) == ("Available", "", None)
    assert (two.status, two.error_code, two.fault_since) == ("Faulted", "GroundFailure", later)
    assert _connector(second, 3).status == "Charging"


def test_a_fault_keeps_its_start_while_it_lasts():
    """A connector Faulted then Unavailable in one lot is in fault since the first of them."""
    point = ChargePointFactory()
    now = timezone.now()
    state.statuses_changed(
        [
            state.StatusReport(point.pk, 1, "Faulted", timestamp=now - datetime.timedelta(minutes=5)),
            state.StatusReport(point.pk, 1, "Unavailable", timestamp=now),
        ]
    )
    connector = _connector(point)
    assert (connector.status, connector.fault_since) == ("Unavailable", now - datetime.timedelta(minutes=5))


def _open_session(point, started_at, **fields):
    return SessionFactory(
        charge_point=point,
        connector=_connector(point),
        status=SessionStatus.ACTIVE,
        stopped_at=None,
        meter_stop_wh=None,
        started_at=started_at,
        last_meter_wh=1000,
        **fields,
    )


def _report(point, session, at, wh, *, power=None, transaction=True):
    samples = [{"value": str(wh), "measurand": "Energy.Active.Import.Register", "unit": "Wh"}]
    if power is not None:
        samples.append({"value": str(power), "measurand": "Power.Active.Import", "unit": "W"})
    return sessions.MeterReport(
        point.pk,
        1,
        [{"timestamp": at.isoformat(), "sampledValue": samples}],
        session.transaction_ref if transaction else None,
    )


def test_meter_values_of_one_lot_are_all_stored_and_move_each_session_to_its_latest_reading():
    """Every reading of the lot is stored on its session (by transaction id, else the connector's open session);
    each session's latest reading is the newest of the lot, a late one never moving it back."""
    now = timezone.now()
    first_point, second_point = ChargePointFactory(), ChargePointFactory()
    first, second = (
        _open_session(point, now - datetime.timedelta(hours=1), last_meter_at=now - datetime.timedelta(hours=1))
        for point in (first_point, second_point)
    )
    stored = sessions.meter_values_batch(
        [
            _report(first_point, first, now - datetime.timedelta(minutes=2), 2000, power=7000),
            _report(second_point, second, now - datetime.timedelta(minutes=1), 5000, transaction=False),
            _report(first_point, first, now - datetime.timedelta(minutes=1), 3000),
            _report(first_point, first, now - datetime.timedelta(minutes=30), 1500),
        ]
    )
    assert stored == 5
    assert MeterValue.objects.filter(session=first).count() == 4
    assert MeterValue.objects.filter(session=second).count() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.last_meter_wh, first.last_power_w, first.last_meter_at) == (
        3000,
        7000.0,
        now - datetime.timedelta(minutes=1),
    )
    assert second.last_meter_wh == 5000
    assert ChargingSession.objects.filter(last_meter_wh=1500).count() == 0


def test_message_log_rows_keep_their_time_and_payload_whatever_form_they_came_in():
    """A frame logged by the gateway (its time in nanoseconds, its payload a dict or the JSON text cut from the
    answer sent) reads back as the same instant, to the microsecond, and the same payload."""
    from mutualis.charging.gateway.server import _save_frames
    from mutualis.charging.integrations.base import RawJson
    from mutualis.charging.models import MessageLog

    point = ChargePointFactory()
    whole = datetime.datetime(2026, 12, 2, 1, 2, 3, tzinfo=datetime.UTC)
    fraction = whole.replace(microsecond=456789)
    _save_frames(
        [
            (point.pk, int(whole.timestamp()) * 1_000_000_000, "in", "call", "Heartbeat", "1", {"é": [1, None]}),
            (point.pk, int(whole.timestamp()) * 1_000_000_000 + 456_789_123, "out", "result", "Heartbeat", "1",
             RawJson('{"currentTime":"2026-12-02T01:02:03.456Z"}')),
        ]
    )  # fmt: skip
    rows = list(MessageLog.objects.filter(charge_point=point).order_by("pk").values_list("at", "payload"))
    assert rows == [(whole, {"é": [1, None]}), (fraction, {"currentTime": "2026-12-02T01:02:03.456Z"})]


def test_a_handshake_finds_its_point_whatever_the_case_of_its_identity():
    """The gateway finds a registered point by its OCPP identity in any case (identities are unique whatever their
    case), through the case-insensitive unique index, and an unknown identity is None."""
    point = ChargePointFactory(ocpp_identity="Borne-Ab-12")
    assert state.point_for_identity("BORNE-AB-12").pk == point.pk
    assert state.point_for_identity("borne-ab-12").identity == "Borne-Ab-12"
    assert state.point_for_identity("borne-ab-13") is None


def test_sessions_of_one_lot_move_in_one_statement_and_never_back():
    """The lot's sessions are moved on by one UPDATE statement: each to its own latest reading, a session already
    read later than the lot keeping its reading (readings queued offline arrive late), one with no power reading
    keeping its last power."""
    now = timezone.now()
    points = [ChargePointFactory() for _ in range(3)]
    moving, ahead, quiet = (
        _open_session(
            point,
            now - datetime.timedelta(hours=2),
            last_power_w=3000.0,
            last_meter_at=now - datetime.timedelta(minutes=minutes),
        )
        for point, minutes in zip(points, (60, 1, 60), strict=True)
    )
    with CaptureQueriesContext(connection) as queries:
        sessions._move_session_readings(
            [
                (moving, sessions.sampled_values(_report(points[0], moving, now, 4000, power=11000).meter_value,
                                                 default_time=now)),
                (ahead, sessions.sampled_values(_report(points[1], ahead, now - datetime.timedelta(minutes=5), 2000)
                                                .meter_value, default_time=now)),
                (quiet, sessions.sampled_values(_report(points[2], quiet, now, 6000).meter_value, default_time=now)),
            ]
        )  # fmt: skip
    assert len([q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]) == 1
    for session in (moving, ahead, quiet):
        session.refresh_from_db()
    assert (moving.last_meter_wh, moving.last_power_w, moving.last_meter_at) == (4000, 11000.0, now)
    assert (ahead.last_meter_wh, ahead.last_meter_at) == (1000, now - datetime.timedelta(minutes=1))
    assert (quiet.last_meter_wh, quiet.last_power_w, quiet.last_meter_at) == (6000, 3000.0, now)


def test_statuses_of_distinct_connectors_go_in_one_statement_with_the_same_rules():
    """A lot where each connector comes once is applied by one UPDATE statement with the rules of the sequential
    one: a new fault starts at its time, a lasting fault keeps its start and its notification, a fault ended clears
    both, an older status than the one kept changes nothing."""
    now = timezone.now()
    since = now - datetime.timedelta(hours=1)
    points = [ChargePointFactory() for _ in range(4)]
    Connector.objects.filter(charge_point=points[1], connector_id=1).update(
        status="Faulted", status_at=since, fault_since=since, fault_notified=True
    )
    Connector.objects.filter(charge_point=points[2], connector_id=1).update(
        status="Faulted", status_at=since, fault_since=since, fault_notified=True
    )
    Connector.objects.filter(charge_point=points[3], connector_id=1).update(status="Charging", status_at=now)
    with CaptureQueriesContext(connection) as queries:
        applied = state.statuses_changed(
            [
                state.StatusReport(points[0].pk, 1, "Faulted", error_code="GroundFailure", timestamp=now),
                state.StatusReport(points[1].pk, 1, "Unavailable", timestamp=now),
                state.StatusReport(points[2].pk, 1, "Available", timestamp=now),
                state.StatusReport(points[3].pk, 1, "Available", timestamp=since),
            ]
        )
    assert len([q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]) == 1
    assert applied == 3
    rows = [(c.status, c.error_code, c.fault_since, c.fault_notified) for c in (_connector(point) for point in points)]
    assert rows == [
        ("Faulted", "GroundFailure", now, False),
        ("Unavailable", "", since, True),
        ("Available", "", None, False),
        ("Charging", "", None, False),
    ]
