"""The maintenance every gateway runs: offline sweep, zombie sessions, command timeouts, alerts, log retention."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from mutualis.charging.choices import ReconciliationReason, ReservationStatus, SessionStatus
from mutualis.charging.models import ChargePoint, Connector, MessageLog, Reservation
from mutualis.charging.services import state
from mutualis.charging.tasks import ALERT_KIND, run_maintenance
from mutualis.charging.tests import factories
from mutualis.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _point(world):
    return factories.ChargePointFactory(station=factories.station_at(world.site_b))


def test_a_session_open_on_a_connector_back_to_available_is_reconciled(world):
    """The vehicle left and the stop was lost: once the connector has shown Available for five minutes, the open
    session is closed with its last reading, reconciled « connecteur de nouveau disponible », in the audit log."""
    point = _point(world)
    connector = Connector.objects.get(charge_point=point, connector_id=1)
    session = factories.SessionFactory(
        charge_point=point,
        connector=connector,
        status=SessionStatus.ACTIVE,
        started_at=NOW - datetime.timedelta(hours=2),
        stopped_at=None,
        meter_stop_wh=None,
        last_meter_wh=4000,
        last_meter_at=NOW - datetime.timedelta(hours=1),
    )
    state.status_changed(
        charge_point_id=point.pk, connector_id=1, status="Available", timestamp=NOW - datetime.timedelta(minutes=10)
    )
    result = run_maintenance(now=NOW)
    assert result["reconciled"] == [session.pk]
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED and session.meter_stop_wh == 4000
    assert session.stopped_at == NOW - datetime.timedelta(hours=1)
    assert session.reconciliation_reason == ReconciliationReason.CONNECTOR_AVAILABLE
    assert AuditEntry.objects.filter(action="charging.session_reconcile", object_id=str(session.pk)).exists()
    assert run_maintenance(now=NOW)["reconciled"] == []  # twice is harmless


def test_a_session_of_a_point_silent_for_a_day_is_reconciled(world):
    """A session whose point has been offline for more than a day is closed, reconciled « aucune nouvelle »."""
    point = _point(world)
    ChargePoint.objects.filter(pk=point.pk).update(is_online=False, offline_since=NOW - datetime.timedelta(days=2))
    session = factories.SessionFactory(
        charge_point=point,
        status=SessionStatus.ACTIVE,
        started_at=NOW - datetime.timedelta(days=3),
        stopped_at=None,
        meter_stop_wh=None,
    )
    assert run_maintenance(now=NOW)["reconciled"] == [session.pk]
    session.refresh_from_db()
    assert (
        session.reconciliation_reason == ReconciliationReason.STALE and session.meter_stop_wh == session.meter_start_wh
    )


@override_settings(CHARGING_ALERT_MINUTES=15)
def test_network_officers_are_notified_once_of_a_point_offline_or_faulted_too_long(world):
    """A point offline, or a connector faulted, for more than CHARGING_ALERT_MINUTES: the network officers (and
    administrators) get one notification each, not one per run; a shorter outage raises nothing."""
    officer = factories.network_officer()
    buyer = factories.purchasing_officer()
    offline = _point(world)
    ChargePoint.objects.filter(pk=offline.pk).update(
        is_online=False, offline_since=NOW - datetime.timedelta(minutes=20)
    )
    faulted = factories.ChargePointFactory(station=offline.station)
    state.status_changed(
        charge_point_id=faulted.pk,
        connector_id=1,
        status="Faulted",
        error_code="GroundFailure",
        timestamp=NOW - datetime.timedelta(minutes=30),
    )
    brief = factories.ChargePointFactory(station=offline.station)
    ChargePoint.objects.filter(pk=brief.pk).update(is_online=False, offline_since=NOW - datetime.timedelta(minutes=5))
    assert run_maintenance(now=NOW)["alerts"] == 2
    assert run_maintenance(now=NOW)["alerts"] == 0
    titles = sorted(Notification.objects.filter(recipient=officer, kind=ALERT_KIND).values_list("title", flat=True))
    assert titles == [
        f"Borne déconnectée : {offline.ocpp_identity} ({offline.station.name})",
        f"Borne en défaut : {faulted.ocpp_identity} ({offline.station.name})",
    ]
    assert Notification.objects.filter(recipient=world.staff, kind=ALERT_KIND).count() == 2
    assert not Notification.objects.filter(recipient=buyer).exists()


def test_a_point_back_online_can_be_alerted_again_later(world):
    """Once a point is back (its gateway vouches for it), a later outage is notified anew."""
    factories.network_officer()
    point = _point(world)
    ChargePoint.objects.filter(pk=point.pk).update(is_online=False, offline_since=NOW - datetime.timedelta(hours=1))
    assert run_maintenance(now=NOW)["alerts"] == 1
    state.seen(charge_point_ids=[point.pk], at=NOW, gateway_id="g")
    ChargePoint.objects.filter(pk=point.pk).update(is_online=False, offline_since=NOW - datetime.timedelta(hours=1))
    assert run_maintenance(now=NOW)["alerts"] == 1


@override_settings(OCPP_MESSAGE_RETENTION_DAYS=7)
def test_old_frames_are_forgotten_and_reservations_expire(world):
    """Frames older than the retention go; a reservation past its end expires."""
    point = _point(world)
    MessageLog.objects.create(charge_point=point, at=NOW - datetime.timedelta(days=8), direction="in", kind="call")
    kept = MessageLog.objects.create(
        charge_point=point, at=NOW - datetime.timedelta(days=1), direction="in", kind="call"
    )
    reservation = Reservation.objects.create(
        charge_point=point,
        id_tag="T",
        expires_at=NOW - datetime.timedelta(minutes=1),
        status=ReservationStatus.ACCEPTED,
    )
    result = run_maintenance(now=NOW)
    assert result["frames_pruned"] == 1 and list(MessageLog.objects.all()) == [kept]
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.EXPIRED
