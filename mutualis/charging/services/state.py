"""Live state of the charge points, written by the gateway: connections, boots, statuses, firmware and diagnostics,
and the offline sweep that makes a silent point offline within a minute.

`connected` / `disconnected` carry the gateway's id and the connection's start: a late `disconnected` of an old
connection never marks offline a point that has already reconnected (to this gateway or another).
"""

import datetime
import json
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from mutualis.charging.choices import OUT_OF_ORDER_STATUSES, ConnectorStatus, RegistrationStatus
from mutualis.charging.models import ChargePoint, Connector
from mutualis.core.bulk import db_datetime

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
    # UPPER(identity) = UPPER(%s): the unique index on Upper("ocpp_identity") finds it; `iexact` is a LIKE on SQLite,
    # which scanned every point at each handshake (10,000 handshakes: minutes).
    row = (
        ChargePoint.objects.alias(upper_identity=Upper("ocpp_identity"))
        .filter(upper_identity=Upper(Value(identity)))
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


class StatusReport(NamedTuple):
    """One StatusNotification as the gateway hands it to `statuses_changed` (received_at: when it came)."""

    charge_point_id: int
    connector_id: int
    status: str
    evse_id: int | None = None
    error_code: str = ""
    info: str = ""
    vendor_error_code: str = ""
    timestamp: Any = None
    received_at: datetime.datetime | None = None


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
    report = StatusReport(
        charge_point_id, connector_id, status, evse_id, error_code, info, vendor_error_code, timestamp
    )
    return bool(statuses_changed([report]))


_OUT_OF_ORDER = sorted(str(status.value) for status in OUT_OF_ORDER_STATUSES)


def statuses_changed(reports: list[StatusReport]) -> int:
    """StatusNotifications, in the order they came, set-based (the gateway hands them over by the hundred): each
    connector's new status, connectors the registry did not know added, a status older than the one kept not
    overwriting it. Returns how many were applied."""
    if not reports:
        return 0
    now = timezone.now()
    known = _known_connectors({report.charge_point_id for report in reports})
    ops = connection.ops
    adapt = db_datetime()
    updates: list[tuple[Any, ...]] = []
    created = 0
    for report in reports:
        at = parse_timestamp(report.timestamp, default=report.received_at or now)
        connector_id = report.connector_id
        evse = 0 if connector_id == 0 else (connector_id if report.evse_id is None else report.evse_id)
        value = _STATUS_ALIASES.get((report.status or "").lower(), ConnectorStatus.UNKNOWN)
        faulty = value in OUT_OF_ORDER_STATUSES
        error_code = "" if report.error_code in ("", "NoError") else (report.error_code or "")[:50]
        info = (report.info or "")[:255]
        vendor_error_code = (report.vendor_error_code or "")[:50]
        key = (report.charge_point_id, evse, connector_id)
        if key not in known:
            Connector.objects.create(
                charge_point_id=report.charge_point_id,
                evse_id=evse,
                connector_id=connector_id,
                status=value,
                error_code=error_code,
                info=info,
                vendor_error_code=vendor_error_code,
                status_at=at,
                fault_since=at if faulty else None,
                fault_notified=False,
            )
            known.add(key)
            created += 1
            continue
        stamp = adapt(at)
        updates.append(
            (
                *(str(value), error_code, info, vendor_error_code, stamp),
                *(faulty, *_OUT_OF_ORDER, stamp),  # fault_since
                *(faulty, *_OUT_OF_ORDER, False, False),  # fault_notified
                *(report.charge_point_id, evse, connector_id, stamp),  # WHERE
            )
        )
    if not updates:
        return created
    # One UPDATE statement for all, run in order (a Faulted then an Available of one connector end Available), guarded
    # by time; a fault keeps the time it began (and whether it was notified) while it lasts. SET expressions read the
    # row as it was (SQL), so `status IN (…)` is the status before this one.
    q = ops.quote_name
    in_fault = f"{q('status')} IN ({', '.join(['%s'] * len(_OUT_OF_ORDER))})"
    sql = (
        f"UPDATE {q(Connector._meta.db_table)} SET {q('status')} = %s, {q('error_code')} = %s, {q('info')} = %s, "  # noqa: S608
        f"{q('vendor_error_code')} = %s, {q('status_at')} = %s, "
        f"{q('fault_since')} = CASE WHEN %s THEN (CASE WHEN {in_fault} THEN {q('fault_since')} ELSE %s END) "
        "ELSE NULL END, "
        f"{q('fault_notified')} = CASE WHEN %s THEN (CASE WHEN {in_fault} THEN {q('fault_notified')} ELSE %s END) "
        "ELSE %s END "
        f"WHERE {q('charge_point_id')} = %s AND {q('evse_id')} = %s AND {q('connector_id')} = %s "
        f"AND ({q('status_at')} IS NULL OR {q('status_at')} <= %s)"
    )
    keys = [row[-4:-1] for row in updates]
    with connection.cursor() as cursor:
        if len(updates) > 1 and len(set(keys)) == len(keys):
            # Each connector once in the lot (the usual case): one UPDATE … FROM the list, one database step — an
            # executemany is one per row, and in the gateway each step waited for the GIL (see sessions).
            many_sql, params = _statuses_at_once(updates)
            cursor.execute(many_sql, params)
        else:
            # A connector twice: its statuses must apply one after the other.
            cursor.executemany(sql, updates)
        applied = cursor.rowcount
    return created + max(applied, 0)


def _statuses_at_once(updates: list[tuple[Any, ...]]) -> tuple[str, list[Any]]:
    """statuses_changed's UPDATE for rows of distinct connectors in one statement: the same SET expressions, over a
    list of (status, error code, info, vendor code, time, in fault, point, EVSE, connector)."""
    q = connection.ops.quote_name
    table = q(Connector._meta.db_table)
    width = len(_OUT_OF_ORDER)
    rows = [(*row[0:5], bool(row[5]), *row[-4:-1]) for row in updates]
    if connection.vendor == "postgresql":
        names = ("status", "error_code", "info", "vendor_error_code", "status_at")
        types = [str(Connector._meta.get_field(name).db_type(connection)) for name in names]
        types += ["boolean", "bigint", "integer", "integer"]
        aliases = ", ".join(f"v{n}" for n in range(9))
        source = "unnest(" + ", ".join(f"%s::{t}[]" for t in types) + f") AS v({aliases})"
        source_params: list[Any] = [list(column) for column in zip(*rows, strict=True)]
    else:
        picks = ", ".join(f"json_extract(value, '$[{n}]') AS v{n}" for n in range(9))
        source = f"(SELECT {picks} FROM json_each(%s)) AS v"  # noqa: S608 - no value in the text
        source_params = [json.dumps(rows)]
    in_fault = f"{table}.{q('status')} IN ({', '.join(['%s'] * width)})"
    sql = (
        f"UPDATE {table} SET {q('status')} = v.v0, {q('error_code')} = v.v1, {q('info')} = v.v2, "  # noqa: S608
        f"{q('vendor_error_code')} = v.v3, {q('status_at')} = v.v4, "
        f"{q('fault_since')} = CASE WHEN v.v5 THEN (CASE WHEN {in_fault} THEN {table}.{q('fault_since')} ELSE v.v4 END) "
        "ELSE NULL END, "
        f"{q('fault_notified')} = CASE WHEN v.v5 THEN (CASE WHEN {in_fault} THEN {table}.{q('fault_notified')} "
        "ELSE %s END) ELSE %s END "
        f"FROM {source} "
        f"WHERE {table}.{q('charge_point_id')} = v.v6 AND {table}.{q('evse_id')} = v.v7 "
        f"AND {table}.{q('connector_id')} = v.v8 AND ({table}.{q('status_at')} IS NULL OR {table}.{q('status_at')} <= v.v4)"
    )
    # Parameters in the order of the text: the SET's, then the source's.
    return sql, [*_OUT_OF_ORDER, *_OUT_OF_ORDER, False, False, *source_params]


def _known_connectors(charge_point_ids: set[int]) -> set[tuple[int, int, int]]:
    """(charge point, EVSE, connector) of the connectors these points have."""
    ids = sorted(charge_point_ids)
    known: set[tuple[int, int, int]] = set()
    for start in range(0, len(ids), 500):
        known.update(
            Connector.objects.filter(charge_point_id__in=ids[start : start + 500]).values_list(
                "charge_point_id", "evse_id", "connector_id"
            )
        )
    return known


def firmware_status(*, charge_point_id: int, status: str) -> None:
    """A FirmwareStatusNotification: where the firmware update stands."""
    ChargePoint.objects.filter(pk=charge_point_id).update(firmware_status=(status or "")[:40])


def diagnostics_status(*, charge_point_id: int, status: str) -> None:
    """A DiagnosticsStatusNotification: where the diagnostics upload stands."""
    ChargePoint.objects.filter(pk=charge_point_id).update(diagnostics_status=(status or "")[:40])
