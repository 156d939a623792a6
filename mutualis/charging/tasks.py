"""Background work of the charging app: keeping the live state true and the sessions closed.

`run_maintenance` is what every gateway runs every 30 seconds (in its database thread) and what the worker may run
too (`charging_maintenance` task): each step is idempotent, so several gateways running it at once is harmless.
- offline sweep: points no gateway has vouched for in OCPP_OFFLINE_AFTER seconds go offline (within a minute);
- zombie sessions: open sessions on a connector back to Available, or on a point silent for a day, are reconciled
  (those of a rebooted point are closed at its BootNotification already);
- commands nobody answered in time are marked « sans réponse »; expired reservations expire;
- the network officers are notified of a point faulted or offline for more than CHARGING_ALERT_MINUTES;
- the message log keeps OCPP_MESSAGE_RETENTION_DAYS days.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from mutualis.accounts.choices import StaffRole
from mutualis.accounts.models import User
from mutualis.charging.choices import ReservationStatus
from mutualis.charging.models import ChargePoint, Connector, MessageLog, Reservation
from mutualis.charging.services import commands, sessions, state
from mutualis.core.context import audit_context
from mutualis.core.services import notify

ALERT_KIND = "charging.alert"


def _station_url(station_id: int) -> str:
    try:
        return reverse("charging:station_detail", kwargs={"pk": station_id})
    except NoReverseMatch:  # pages not installed (the gateway alone)
        return ""


def _officers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, staff_role__in=[StaffRole.NETWORK_OFFICER, StaffRole.ADMINISTRATOR])
    )


def notify_alerts(*, now: datetime.datetime | None = None) -> int:
    """Tell the network officers (and administrators) once about each point offline, or connector faulted or
    unavailable, for more than CHARGING_ALERT_MINUTES; returns how many alerts were raised."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(minutes=settings.CHARGING_ALERT_MINUTES)
    raised = 0
    recipients: list[User] | None = None
    offline = ChargePoint.objects.filter(
        is_active=True, is_online=False, offline_notified=False, offline_since__lte=limit
    ).select_related("station")
    for point in offline:
        recipients = _officers() if recipients is None else recipients
        notify(
            recipients=recipients,
            kind=ALERT_KIND,
            title=_("Borne déconnectée : %(point)s (%(station)s)")
            % {"point": point.ocpp_identity, "station": point.station.name},
            body=_("Aucune nouvelle du point de recharge depuis le %(since)s.")
            % {"since": timezone.localtime(point.offline_since).strftime("%d/%m/%Y %H:%M")},
            url=_station_url(point.station_id),
        )
        ChargePoint.objects.filter(pk=point.pk).update(offline_notified=True)
        raised += 1
    faulted = Connector.objects.filter(
        fault_notified=False, fault_since__lte=limit, charge_point__is_active=True
    ).select_related("charge_point__station")
    for connector in faulted:
        recipients = _officers() if recipients is None else recipients
        point = connector.charge_point
        notify(
            recipients=recipients,
            kind=ALERT_KIND,
            title=_("Borne en défaut : %(point)s (%(station)s)")
            % {"point": point.ocpp_identity, "station": point.station.name},
            body=_("Connecteur %(connector)s : %(status)s %(error)s depuis le %(since)s.")
            % {
                "connector": connector.connector_id,
                "status": connector.get_status_display(),
                "error": connector.error_code,
                "since": timezone.localtime(connector.fault_since).strftime("%d/%m/%Y %H:%M"),
            },
            url=_station_url(point.station_id),
        )
        Connector.objects.filter(pk=connector.pk).update(fault_notified=True)
        raised += 1
    return raised


def expire_reservations(*, now: datetime.datetime | None = None) -> int:
    """Reservations past their end (not used) expire."""
    now = now or timezone.now()
    return Reservation.objects.filter(
        Q(status=ReservationStatus.ACCEPTED) | Q(status=ReservationStatus.REQUESTED), expires_at__lte=now
    ).update(status=ReservationStatus.EXPIRED, updated_at=now)


def prune_message_log(*, now: datetime.datetime | None = None) -> int:
    """Forget OCPP frames older than OCPP_MESSAGE_RETENTION_DAYS."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.OCPP_MESSAGE_RETENTION_DAYS)
    deleted, _rows = MessageLog.objects.filter(at__lt=limit).delete()
    return deleted


def run_maintenance(*, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Every step above once; returns what each did (ids or counts)."""
    now = now or timezone.now()
    with audit_context(origin="task:charging_maintenance"):
        return {
            "offline": state.offline_sweep(now=now),
            "reconciled": sessions.reconcile_stale(now=now),
            "timed_out": commands.command_expire(now=now),
            "reservations_expired": expire_reservations(now=now),
            "alerts": notify_alerts(now=now),
            "frames_pruned": prune_message_log(now=now),
        }


@task()
def charging_maintenance() -> dict[str, Any]:
    """The maintenance above, as a worker task (idempotent)."""
    return run_maintenance()


@task()
def offline_sweep() -> int:
    """The offline sweep alone, enqueued by the clock: points go offline even when no gateway runs to sweep them;
    returns how many."""
    with audit_context(origin="clock:charging.offline_sweep", user_agent="task offline_sweep"):
        return len(state.offline_sweep())
