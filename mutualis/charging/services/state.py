"""Live state of the charge points, written by the gateway: connections, boots, statuses, firmware and diagnostics,
and the offline sweep that makes a silent point offline within a minute.

`connected` / `disconnected` carry the gateway's id and the connection's start: a late `disconnected` of an old
connection never marks offline a point that has already reconnected (to this gateway or another).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from mutualis.charging.choices import OUT_OF_ORDER_STATUSES, ConnectorStatus, RegistrationStatus
from mutualis.charging.models import ChargePoint, Connector

# Clocks of chargers without a battery restart in 1970 or 2000: a timestamp before this is the point's boot clock,
# not a time, and the central system's reception time stands in for it.
EARLIEST_PLAUSIBLE = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)


def parse_timestamp(value: Any, *, default: datetime.datetime | None = None) -> datetime.datetime:
    """An OCPP timestamp read leniently (« Z », an offset, or none — then UTC —, fractions of seconds); missing,
    unreadable or implausible (a point's unset clock) → `default` (now)."""
    fallback = default or timezone.now()
    if isinstance(value, datetime.datetime):
        parsed: datetime.datetime | None = value
    else:
        try:
            parsed = parse_datetime(str(value).strip().replace(" ", "T")) if value else None
        except ValueError:
            parsed = None
    if parsed is None:
        return fallback
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.UTC)
    # A clock more than a day ahead is wrong too (a point that thinks it is next year would order nothing right).
    if parsed < EARLIEST_PLAUSIBLE or parsed > timezone.now() + datetime.timedelta(days=1):
        return fallback
    return parsed


@dataclass(frozen=True)
class PointIdentity:
    """What the gateway needs at the handshake: who the point is, whether it may connect, its password hash."""

    pk: int
    identity: str
    ocpp_version: str
    password_hash: str
    is_active: bool


def point_for_identity(identity: str) -> PointIdentity | None:
    """The registered charge point with this OCPP identity (whatever its case), or None (refused at the handshake)."""
    row = (
        ChargePoint.objects.filter(ocpp_identity__iexact=identity)
        .values("pk", "ocpp_identity", "ocpp_version", "password_hash", "is_active")
        .first()
    )
    if row is None:
        return None
    return PointIdentity(row["pk"], row["ocpp_identity"], row["ocpp_version"], row["password_hash"], row["is_active"])


def connected(*, charge_point_id: int, gateway_id: str, protocol: str, at: datetime.datetime) -> None:
    """A point opened its websocket on this gateway: online now."""
    ChargePoint.objects.filter(pk=charge_point_id).update(
        is_online=True,
        connected_protocol=protocol,
        connected_at=at,
        last_seen_at=at,
        offline_since=None,
        offline_notified=False,
        gateway_id=gateway_id,
    )


def disconnected(*, charge_point_id: int, gateway_id: str, since: datetime.datetime) -> bool:
    """A point's websocket on this gateway closed: offline, unless it has reconnected meanwhile (a newer
    connection, here or on another gateway). True when it went offline."""
    now = timezone.now()
    return bool(
        ChargePoint.objects.filter(pk=charge_point_id, gateway_id=gateway_id, connected_at=since).update(
            is_online=False, offline_since=now, gateway_id=""
        )
    )


def seen(*, charge_point_ids: list[int], at: datetime.datetime, gateway_id: str) -> None:
    """The points this gateway heard from (a frame, or a pong to its ping) lately: online, held by it."""
    for start in range(0, len(charge_point_ids), 500):
        ChargePoint.objects.filter(pk__in=charge_point_ids[start : start + 500]).update(
            last_seen_at=at, is_online=True, offline_since=None, offline_notified=False, gateway_id=gateway_id
        )


def gateway_stopped(*, gateway_id: str) -> int:
    """A gateway stops: every point it held goes offline (they will reconnect, possibly elsewhere)."""
    return ChargePoint.objects.filter(gateway_id=gateway_id, is_online=True).update(
        is_online=False, offline_since=timezone.now(), gateway_id=""
    )


def offline_sweep(*, now: datetime.datetime | None = None) -> list[int]:
    """Mark offline the points marked online whose gateway has not vouched for them for OCPP_OFFLINE_AFTER seconds
    (the gateway died, the network cut): what makes the state true within a minute. Returns their ids."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=settings.OCPP_OFFLINE_AFTER)
    stale = ChargePoint.objects.filter(is_online=True).filter(Q(last_seen_at__lt=limit) | Q(last_seen_at__isnull=True))
    ids = list(stale.values_list("pk", flat=True))
    if ids:
        ChargePoint.objects.filter(pk__in=ids, is_online=True).update(is_online=False, offline_since=now, gateway_id="")
    return ids


def boot(
    *,
    charge_point_id: int,
    vendor: str,
    model: str,
    serial_number: str = "",
    firmware_version: str = "",
    reason: str = "",
    at: datetime.datetime | None = None,
) -> tuple[str, int]:
    """A BootNotification: record what the point says it is and close what its reboot left open (sessions still
    active are reconciled with their last meter value); answers (status, heartbeat interval)."""
    from mutualis.charging.services.sessions import reconcile_after_boot

    at = at or timezone.now()
    point = ChargePoint.objects.filter(pk=charge_point_id).first()
    if point is None or not point.is_active:
        return RegistrationStatus.REJECTED, settings.OCPP_HEARTBEAT_INTERVAL
    ChargePoint.objects.filter(pk=charge_point_id).update(
        vendor=vendor[:50],
        model=model[:50],
        serial_number=(serial_number or "")[:50],
        firmware_version=(firmware_version or "")[:50],
        boot_reason=(reason or "")[:40],
        boot_at=at,
        registration_status=RegistrationStatus.ACCEPTED,
        heartbeat_interval=settings.OCPP_HEARTBEAT_INTERVAL,
        last_seen_at=at,
    )
    reconcile_after_boot(charge_point_id=charge_point_id, at=at)
    return RegistrationStatus.ACCEPTED, settings.OCPP_HEARTBEAT_INTERVAL


# OCPP 2.0.1 ConnectorStatusEnumType → the shared list (it has no Preparing/Charging: Occupied says « in use »).
_STATUS_ALIASES = {status.value.lower(): status.value for status in ConnectorStatus}


def status_changed(
    *,
    charge_point_id: int,
    connector_id: int,
    status: str,
    evse_id: int | None = None,
    error_code: str = "",
    info: str = "",
    vendor_error_code: str = "",
    timestamp: Any = None,
) -> bool:
    """A StatusNotification: the connector's new status (a connector the registry did not know is added); a
    status older than the one kept — queued while offline — does not overwrite it (False then)."""
    now = timezone.now()
    at = parse_timestamp(timestamp, default=now)
    evse = 0 if connector_id == 0 else (connector_id if evse_id is None else evse_id)
    value = _STATUS_ALIASES.get((status or "").lower(), ConnectorStatus.UNKNOWN)
    faulty = value in OUT_OF_ORDER_STATUSES
    values: dict[str, Any] = {
        "status": value,
        "error_code": "" if error_code in ("", "NoError") else error_code[:50],
        "info": (info or "")[:255],
        "vendor_error_code": (vendor_error_code or "")[:50],
        "status_at": at,
        # A fault keeps the time it began (and whether it was notified) while it lasts; any other status ends it.
        "fault_since": Case(When(status__in=OUT_OF_ORDER_STATUSES, then=F("fault_since")), default=Value(at))
        if faulty
        else None,
        "fault_notified": Case(When(status__in=OUT_OF_ORDER_STATUSES, then=F("fault_notified")), default=Value(False))
        if faulty
        else False,
    }
    rows = Connector.objects.filter(charge_point_id=charge_point_id, evse_id=evse, connector_id=connector_id)
    # One UPDATE guarded by time: a status older than the one kept (queued while offline) changes nothing.
    if rows.filter(Q(status_at__isnull=True) | Q(status_at__lte=at)).update(**values):
        return True
    if rows.exists():
        return False
    Connector.objects.create(
        charge_point_id=charge_point_id,
        evse_id=evse,
        connector_id=connector_id,
        **(values | {"fault_since": at if faulty else None, "fault_notified": False}),
    )
    return True


def firmware_status(*, charge_point_id: int, status: str) -> None:
    """A FirmwareStatusNotification: where the firmware update stands."""
    ChargePoint.objects.filter(pk=charge_point_id).update(firmware_status=(status or "")[:40])


def diagnostics_status(*, charge_point_id: int, status: str) -> None:
    """A DiagnosticsStatusNotification: where the diagnostics upload stands."""
    ChargePoint.objects.filter(pk=charge_point_id).update(diagnostics_status=(status or "")[:40])
