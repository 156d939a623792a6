"""Charging sessions from both OCPP versions: transactions started and stopped, meter values, and reconciliation.

Written for chargers as they are: a StartTransaction replayed after a reconnect gets the transaction it already
has; a StopTransaction for a transaction the central system closed at the point's reboot completes it with the
point's own figures; a StopTransaction for a transaction id never issued is accepted and recorded as a reconciled
session; meter values with old timestamps are stored without moving the session's latest reading back; a session
whose point rebooted, started a new charge on the same connector, or went silent is closed with its last reading and
a reason — never left open as a zombie.
"""

import datetime
import functools
import json
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from mutualis.accounts.types import User
from mutualis.charging.choices import (
    ConnectorStatus,
    OcppVersion,
    ReconciliationReason,
    ReservationStatus,
    SessionOrigin,
    SessionStatus,
)
from mutualis.charging.models import ChargePoint, ChargingSession, Connector, MeterValue, Reservation
from mutualis.charging.services.state import parse_timestamp
from mutualis.charging.services.tags import find_tag, id_tag_info, id_token_info
from mutualis.core.bulk import db_datetime, insert_rows
from mutualis.core.services import audit_record

ENERGY_REGISTER = "Energy.Active.Import.Register"
POWER = "Power.Active.Import"
# How long a connector may show Available while the central system still has its session open before the session is
# reconciled (the point's StopTransaction, when it comes, comes within seconds), and how long a session may stay open
# on a point that says nothing at all.
AVAILABLE_GRACE = datetime.timedelta(minutes=5)
SILENT_SESSION_AFTER = datetime.timedelta(hours=24)


def _number(value: Any) -> float | None:
    try:
        return float(str(value).strip().replace(",", "."))
    except (TypeError, ValueError):
        return None


def sampled_values(meter_value: Iterable[dict[str, Any]] | None, *, default_time: datetime.datetime) -> list[dict]:
    """Flatten OCPP MeterValue objects (1.6: value as a string, unit; 2.0.1: a number, unitOfMeasure with a power of
    ten) into rows: timestamp, measurand, value, unit, phase, context, location. Unreadable values are skipped."""
    rows = []
    for group in meter_value or []:
        at = parse_timestamp(group.get("timestamp"), default=default_time)
        for sample in group.get("sampledValue") or []:
            if sample.get("format") == "SignedData":
                continue  # a signed blob, not a number
            value = _number(sample.get("value"))
            if value is None:
                continue
            unit = sample.get("unit") or ""
            if (uom := sample.get("unitOfMeasure")) is not None:
                unit = uom.get("unit") or ""
                value *= 10 ** int(uom.get("multiplier") or 0)
            rows.append(
                {
                    "timestamp": at,
                    "measurand": sample.get("measurand") or ENERGY_REGISTER,
                    "value": value,
                    "unit": unit,
                    "phase": sample.get("phase") or "",
                    "context": sample.get("context") or "",
                    "location": sample.get("location") or "",
                }
            )
    return rows


def _wh(row: dict[str, Any]) -> int | None:
    """An energy register reading in Wh (points send Wh, some kWh)."""
    if row["measurand"] != ENERGY_REGISTER or row["phase"]:
        return None
    factor = 1000 if row["unit"].lower() == "kwh" else 1
    return round(row["value"] * factor)


def _watts(row: dict[str, Any]) -> float | None:
    if row["measurand"] != POWER or row["phase"]:
        return None
    return row["value"] * (1000 if row["unit"].lower() == "kw" else 1)


def record_meter_values(
    *, charge_point_id: int, connector_id: int, session: ChargingSession | None, rows: list[dict[str, Any]]
) -> int:
    """Store readings and move the session's latest energy and power forward (never back: readings queued while
    offline arrive late, with old timestamps). Returns how many were stored."""
    if not rows:
        return 0
    received = connection.ops.adapt_datetimefield_value(timezone.now())
    _insert_meter_rows(
        _meter_rows(charge_point_id, session.pk if session is not None else None, connector_id, rows, received)
    )
    if session is not None:
        values = _reading_values(session, rows)
        if values is not None:
            with connection.cursor() as cursor:
                cursor.execute(_move_reading_sql(connection.vendor), _move_params(session.pk, values))
                if cursor.rowcount:
                    # The instance kept in step for the caller (which may save it whole).
                    for name, value in values.items():
                        if value is not None:
                            setattr(session, name, value)
    return len(rows)


# The gateway's hottest writes (every MeterValues) in plain SQL: the ORM's query building costs more than the
# database work here (measured: 2.7 → 0.65 ms per message), and set-based (one INSERT for every reading the gateway
# hands over at once, one UPDATE statement for their sessions). Portable (Django's cursor and its value adaptation);
# table and column names come from the models, values are always parameters.
_METER_COLUMNS = (
    "charge_point_id",
    "session_id",
    "connector_id",
    "timestamp",
    "received_at",
    "measurand",
    "value",
    "unit",
    "phase",
    "context",
    "location",
)


def _meter_rows(
    charge_point_id: int, session_id: int | None, connector_id: int, rows: list[dict[str, Any]], received: Any
) -> list[tuple[Any, ...]]:
    adapt = db_datetime()
    return [
        (
            charge_point_id,
            session_id,
            connector_id,
            adapt(row["timestamp"]),
            received,
            row["measurand"][:64],
            row["value"],
            row["unit"][:16],
            row["phase"][:8],
            row["context"][:32],
            row["location"][:16],
        )
        for row in rows
    ]


def _insert_meter_rows(params: list[tuple[Any, ...]]) -> None:
    insert_rows(MeterValue, _METER_COLUMNS, params)


class SessionReadings(NamedTuple):
    """What moving a session's latest reading needs of it (a tuple, not a model instance: hundreds per batch)."""

    pk: int
    ocpp_version: str
    origin: str
    meter_start_wh: int | None
    last_meter_wh: int | None


def _sessions_by_ref(keys: set[tuple[int, str]]) -> dict[tuple[int, str], SessionReadings]:
    """The sessions with these (charge point, transaction id), with the fields the meter readings need: one SELECT
    per 500 (the lowest id when a point has two sessions of one transaction id: a started one and an orphan stop)."""
    if not keys:
        return {}
    table = connection.ops.quote_name(ChargingSession._meta.db_table)
    found: dict[tuple[int, str], SessionReadings] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        refs = sorted({ref for _pk, ref in chunk})
        points = sorted({pk for pk, _ref in chunk})
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, charge_point_id, transaction_ref, ocpp_version, origin, meter_start_wh, last_meter_wh "  # noqa: S608
                f"FROM {table} WHERE transaction_ref IN ({', '.join(['%s'] * len(refs))}) "
                f"AND charge_point_id IN ({', '.join(['%s'] * len(points))}) ORDER BY id",
                [*refs, *points],
            )
            rows = cursor.fetchall()
        for pk, charge_point_id, ref, version, origin, start_wh, last_wh in rows:
            key = (charge_point_id, ref)
            if key not in keys or key in found:
                continue
            found[key] = SessionReadings(pk, version, origin, start_wh, last_wh)
    return found


def _reading_values(session: ChargingSession | SessionReadings, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """What the readings move on the session (None: nothing to move): the latest register and power, their time."""
    registers = sorted(((r["timestamp"], wh) for r in rows if (wh := _wh(r)) is not None), key=lambda t: t[0])
    powers = sorted(((r["timestamp"], w) for r in rows if (w := _watts(r)) is not None), key=lambda t: t[0])
    if not registers and not powers:
        return None
    at = max(([registers[-1][0]] if registers else []) + ([powers[-1][0]] if powers else []))
    values: dict[str, Any] = {
        "last_meter_at": at,
        "updated_at": timezone.now(),
        "last_meter_wh": registers[-1][1] if registers else None,
        "meter_start_wh": None,
        "last_power_w": powers[-1][1] if powers else None,
    }
    if (
        registers
        and session.ocpp_version == OcppVersion.V201
        and session.last_meter_wh is None
        and session.origin == SessionOrigin.STARTED
        and not session.meter_start_wh
    ):
        # 2.0.1 stations may start without a reading: the first register is the start.
        values["meter_start_wh"] = registers[0][1]
    return values


@functools.cache
def _move_reading_sql(vendor: str) -> str:
    """The UPDATE moving a session's latest reading, guarded by the reading's time so that a late (older) reading
    never moves it back (a None leaves its column as it is)."""
    q = connection.ops.quote_name
    return (
        f"UPDATE {q(ChargingSession._meta.db_table)} SET {q('last_meter_at')} = %s, {q('updated_at')} = %s, "  # noqa: S608
        f"{q('last_meter_wh')} = COALESCE(%s, {q('last_meter_wh')}), "
        f"{q('meter_start_wh')} = COALESCE(%s, {q('meter_start_wh')}), "
        f"{q('last_power_w')} = COALESCE(%s, {q('last_power_w')}) "
        f"WHERE {q('id')} = %s AND ({q('last_meter_at')} IS NULL OR {q('last_meter_at')} <= %s)"
    )


def _move_params(pk: int, values: dict[str, Any], adapt: Any = None) -> tuple[Any, ...]:
    adapt = adapt or db_datetime()
    at = adapt(values["last_meter_at"])
    return (
        at,
        adapt(values["updated_at"]),
        values["last_meter_wh"],
        values["meter_start_wh"],
        values["last_power_w"],
        pk,
        at,
    )


def _move_session_readings(pairs: list[tuple[ChargingSession | SessionReadings, list[dict[str, Any]]]]) -> None:
    """Each session's latest reading moved on once for all its readings of the lot: one UPDATE statement, run for
    every session."""
    adapt = db_datetime()
    params = [
        _move_params(session.pk, values, adapt)
        for session, rows in pairs
        if (values := _reading_values(session, rows)) is not None
    ]
    if params:
        with connection.cursor() as cursor:
            if len(params) == 1:
                cursor.execute(_move_reading_sql(connection.vendor), params[0])
            else:
                sql, sql_params = _move_readings_at_once(params)
                cursor.execute(sql, sql_params)


# The columns of _move_params' tuples (the last one, the guard's time, repeats the first).
_MOVE_COLUMNS = ("last_meter_at", "updated_at", "last_meter_wh", "meter_start_wh", "last_power_w", "id")


def _move_readings_at_once(params: list[tuple[Any, ...]]) -> tuple[str, list[Any]]:
    """_move_reading_sql for every session of the lot in ONE statement (UPDATE … FROM a list of rows, each session
    once): an executemany is one database step per session, and the driver hands the GIL back at each step — in the
    gateway, whose event loop holds it, each step waited for it (a millisecond switch interval) and the database
    thread fell behind the points (profiled at 500 points: a session update per MeterValues)."""
    q = connection.ops.quote_name
    table = q(ChargingSession._meta.db_table)
    rows = [row[:6] for row in params]
    if connection.vendor == "postgresql":
        types = [ChargingSession._meta.get_field(name).db_type(connection) for name in _MOVE_COLUMNS]
        types[-1] = "bigint"
        aliases = ", ".join(f"v{n}" for n in range(len(_MOVE_COLUMNS)))
        source = "unnest(" + ", ".join(f"%s::{t}[]" for t in types) + f") AS v({aliases})"
        source_params: list[Any] = [list(column) for column in zip(*rows, strict=True)]
    else:
        picks = ", ".join(f"json_extract(value, '$[{n}]') AS v{n}" for n in range(len(_MOVE_COLUMNS)))
        source = f"(SELECT {picks} FROM json_each(%s)) AS v"  # noqa: S608 - no value in the text
        source_params = [json.dumps(rows)]
    sql = (
        f"UPDATE {table} SET {q('last_meter_at')} = v.v0, {q('updated_at')} = v.v1, "  # noqa: S608
        f"{q('last_meter_wh')} = COALESCE(v.v2, {table}.{q('last_meter_wh')}), "
        f"{q('meter_start_wh')} = COALESCE(v.v3, {table}.{q('meter_start_wh')}), "
        f"{q('last_power_w')} = COALESCE(v.v4, {table}.{q('last_power_w')}) "
        f"FROM {source} "
        f"WHERE {table}.{q('id')} = v.v5 AND ({table}.{q('last_meter_at')} IS NULL OR {table}.{q('last_meter_at')} <= v.v0)"
    )
    return sql, source_params


def _connector(charge_point_id: int, connector_id: int, evse_id: int | None = None) -> Connector:
    connector, _created = Connector.objects.get_or_create(
        charge_point_id=charge_point_id, evse_id=connector_id if evse_id is None else evse_id, connector_id=connector_id
    )
    return connector


def _close(
    session: ChargingSession,
    *,
    at: datetime.datetime,
    meter_stop: int | None,
    reason: str,
    reconciled: str = "",
) -> ChargingSession:
    session.status = SessionStatus.COMPLETED
    session.stopped_at = max(at, session.started_at)
    stop = meter_stop if meter_stop is not None else session.last_meter_wh
    session.meter_stop_wh = stop if stop is not None else session.meter_start_wh
    session.stop_reason = (reason or "")[:32]
    if reconciled:
        session.reconciled, session.reconciliation_reason, session.reconciled_at = True, reconciled, timezone.now()
    session.save()
    return session


# The OCPP stop reason a reconciled session is given, by why it was reconciled.
_RECONCILED_STOP_REASONS: dict[str, str] = {
    ReconciliationReason.REBOOT: "Reboot",
    ReconciliationReason.NEW_TRANSACTION: "Other",
    ReconciliationReason.CONNECTOR_AVAILABLE: "EVDisconnected",
}


def session_reconcile(
    *, session: ChargingSession, reason: str, at: datetime.datetime | None = None, acting_user: User | None = None
) -> ChargingSession:
    """Close an open session the point will not close itself, with its last meter reading (or its start) and the
    time of that reading (or `at`), marked reconciled with `reason` (ReconciliationReason); in the audit log."""
    session = ChargingSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.ACTIVE:
        return session
    when = session.last_meter_at or at or timezone.now()
    stop_reason = _RECONCILED_STOP_REASONS.get(reason, "Other")
    _close(session, at=when, meter_stop=None, reason=stop_reason, reconciled=reason)
    audit_record(
        actor=acting_user,
        action="charging.session_reconcile",
        obj=session,
        member_id=ChargePoint.objects.filter(pk=session.charge_point_id)
        .values_list("station__site__member", flat=True)
        .first(),
        after={"reason": reason, "meter_stop_wh": session.meter_stop_wh, "stopped_at": session.stopped_at},
    )
    return session


def reconcile_after_boot(*, charge_point_id: int, at: datetime.datetime) -> list[int]:
    """A point rebooted: the sessions it had open are closed with their last reading (its StopTransaction, if it
    queued one, will complete them with its own figures). Returns their ids."""
    closed = []
    for session in ChargingSession.objects.filter(
        charge_point_id=charge_point_id, status=SessionStatus.ACTIVE, started_at__lte=at
    ):
        closed.append(session_reconcile(session=session, reason=ReconciliationReason.REBOOT, at=at).pk)
    return closed


def _reservation_used(charge_point_id: int, reservation_id: Any) -> Reservation | None:
    if not isinstance(reservation_id, int):
        return None
    reservation = Reservation.objects.filter(pk=reservation_id, charge_point_id=charge_point_id).first()
    if reservation is not None:
        reservation.status = ReservationStatus.USED
        reservation.save(update_fields=["status", "updated_at"])
    return reservation


def start_transaction(
    *,
    charge_point_id: int,
    connector_id: int,
    id_tag: str,
    meter_start: int,
    timestamp: Any,
    reservation_id: int | None = None,
) -> tuple[int, dict[str, Any]]:
    """An OCPP 1.6 StartTransaction: the session, committed before the answer leaves (the caller's transaction),
    and (transactionId, idTagInfo). A replay of a start already recorded gets the same transactionId; a session
    still open on the connector is reconciled first."""
    now = timezone.now()
    started = parse_timestamp(timestamp, default=now)
    connector = _connector(charge_point_id, connector_id)
    tag = find_tag(id_tag)
    open_here = ChargingSession.objects.filter(
        charge_point_id=charge_point_id, connector=connector, status=SessionStatus.ACTIVE
    )
    replay = open_here.filter(id_tag__iexact=id_tag, meter_start_wh=meter_start, started_at=started).first()
    if replay is not None:
        return int(replay.transaction_ref), id_tag_info(tag)
    for stale in open_here:
        session_reconcile(session=stale, reason=ReconciliationReason.NEW_TRANSACTION, at=started)
    # Any one will do: by id, the tag's index gives the first at once (the default order sorted every open session of
    # the tag — a fleet badge open on thousands of points made each start a sort of them all).
    elsewhere = (
        ChargingSession.objects.filter(tag=tag, status=SessionStatus.ACTIVE)
        .exclude(charge_point_id=charge_point_id)
        .order_by("pk")
        .first()
        if tag is not None
        else None
    )
    info = id_tag_info(tag, concurrent_session=elsewhere)
    session = ChargingSession.objects.create(
        charge_point_id=charge_point_id,
        connector=connector,
        ocpp_version=OcppVersion.V16,
        transaction_ref="",
        id_tag=id_tag,
        tag=tag,
        authorization_status=info["status"],
        reservation=_reservation_used(charge_point_id, reservation_id),
        started_at=started,
        meter_start_wh=meter_start,
        last_meter_wh=meter_start,
        last_meter_at=started,
    )
    # The 1.6 transactionId is the session's own id: unique, issued by the central system.
    session.transaction_ref = str(session.pk)
    session.save(update_fields=["transaction_ref"])
    return session.pk, info


def stop_transaction(
    *,
    charge_point_id: int,
    transaction_id: int,
    meter_stop: int,
    timestamp: Any,
    reason: str = "",
    id_tag: str = "",
    transaction_data: list[dict[str, Any]] | None = None,
) -> dict[str, Any] | None:
    """An OCPP 1.6 StopTransaction (possibly queued while offline): the session closed with the point's figures and
    its transactionData stored; a session reconciled earlier gets the point's own figures; an id never issued becomes
    a reconciled session of its own. Answers the idTagInfo when an idTag came."""
    now = timezone.now()
    stopped = parse_timestamp(timestamp, default=now)
    rows = sampled_values(transaction_data, default_time=stopped)
    session = ChargingSession.objects.filter(
        charge_point_id=charge_point_id, transaction_ref=str(transaction_id), origin=SessionOrigin.STARTED
    ).first()
    if session is None:
        session = _orphan_session(
            charge_point_id, str(transaction_id), OcppVersion.V16, id_tag, stopped, rows, meter_stop
        )
    connector_id = session.connector.connector_id if session.connector else 0
    record_meter_values(charge_point_id=charge_point_id, connector_id=connector_id, session=session, rows=rows)
    if session.status == SessionStatus.ACTIVE or session.reconciled:
        # The point's own stop is the truth, also for a session the central system had to close for it.
        session.status = SessionStatus.COMPLETED
        session.stopped_at = max(stopped, session.started_at)
        session.meter_stop_wh = meter_stop
        session.stop_reason = (reason or "Local")[:32]
        session.last_meter_wh = max(meter_stop, session.last_meter_wh or 0)
        session.save()
    return id_tag_info(find_tag(id_tag)) if id_tag else None


def _orphan_session(
    charge_point_id: int,
    ref: str,
    version: str,
    id_tag: str,
    stopped: datetime.datetime,
    rows: list[dict[str, Any]],
    meter_stop: int | None,
) -> ChargingSession:
    registers = sorted(((r["timestamp"], _wh(r)) for r in rows if _wh(r) is not None), key=lambda t: t[0])
    started = registers[0][0] if registers else stopped
    start_wh = registers[0][1] if registers else (meter_stop or 0)
    tag = find_tag(id_tag)
    return ChargingSession.objects.create(
        charge_point_id=charge_point_id,
        ocpp_version=version,
        transaction_ref=ref,
        origin=SessionOrigin.ORPHAN_STOP,
        status=SessionStatus.ACTIVE,
        id_tag=id_tag or "",
        tag=tag,
        started_at=min(started, stopped),
        meter_start_wh=start_wh or 0,
        reconciled=True,
        reconciliation_reason=ReconciliationReason.UNKNOWN_TRANSACTION,
        reconciled_at=timezone.now(),
    )


class MeterReport(NamedTuple):
    """One MeterValues message as the gateway hands it to `meter_values_batch` (received_at: when it came)."""

    charge_point_id: int
    connector_id: int
    meter_value: list[dict[str, Any]]
    transaction_id: Any = None
    evse_id: int | None = None
    received_at: datetime.datetime | None = None


def meter_values(
    *,
    charge_point_id: int,
    connector_id: int,
    meter_value: list[dict[str, Any]],
    transaction_id: Any = None,
    evse_id: int | None = None,
) -> int:
    """A MeterValues message (1.6, or 2.0.1 outside transactions): readings stored, attached to their session (by
    transaction id, else the connector's open session)."""
    return meter_values_batch([MeterReport(charge_point_id, connector_id, meter_value, transaction_id, evse_id)])


def meter_values_batch(reports: list[MeterReport]) -> int:
    """MeterValues messages, set-based (the gateway hands them over by the hundred): their sessions found in one
    query, every reading in one INSERT, each session's latest reading moved on once for the lot by one UPDATE
    statement (never back: readings queued offline come late). Returns how many readings were stored."""
    now = timezone.now()
    parsed = [
        (report, sampled_values(report.meter_value, default_time=report.received_at or now)) for report in reports
    ]
    sessions = _sessions_by_ref(
        {(r.charge_point_id, str(r.transaction_id)[:36]) for r, rows in parsed if rows and r.transaction_id is not None}
    )
    inserts: list[tuple[Any, ...]] = []
    by_session: dict[int, tuple[ChargingSession | SessionReadings, list[dict[str, Any]]]] = {}
    received = db_datetime()(now)
    for report, rows in parsed:
        if not rows:
            continue
        session: ChargingSession | SessionReadings | None = None
        if report.transaction_id is not None:
            session = sessions.get((report.charge_point_id, str(report.transaction_id)[:36]))
        if session is None and report.connector_id:
            session = _open_session_on(report.charge_point_id, report.connector_id, report.evse_id)
        inserts.extend(
            _meter_rows(report.charge_point_id, session.pk if session else None, report.connector_id, rows, received)
        )
        if session is not None:
            by_session.setdefault(session.pk, (session, []))[1].extend(rows)
    if not inserts:
        return 0
    _insert_meter_rows(inserts)
    _move_session_readings(list(by_session.values()))
    return len(inserts)


def _open_session_on(charge_point_id: int, connector_id: int, evse_id: int | None) -> ChargingSession | None:
    return ChargingSession.objects.filter(
        Q(connector__connector_id=connector_id)
        | Q(connector__evse_id=evse_id if evse_id is not None else connector_id),
        charge_point_id=charge_point_id,
        status=SessionStatus.ACTIVE,
    ).first()


def transaction_event(
    *,
    charge_point_id: int,
    event_type: str,
    timestamp: Any,
    seq_no: int,
    transaction_info: dict[str, Any],
    trigger_reason: str = "",
    id_token: dict[str, Any] | None = None,
    evse: dict[str, Any] | None = None,
    meter_value: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An OCPP 2.0.1 TransactionEvent (Started, Updated, Ended — any of them possibly the first the central system
    hears of the transaction, or replayed after a reconnect): the session created or found by the station's
    transactionId, its readings stored, ended with its stoppedReason. Answers idTokenInfo when an idToken came."""
    now = timezone.now()
    at = parse_timestamp(timestamp, default=now)
    ref = str(transaction_info.get("transactionId", ""))[:36]
    rows = sampled_values(meter_value, default_time=at)
    evse_id = (evse or {}).get("id")
    connector_id = (evse or {}).get("connectorId") or 1
    token = (id_token or {}).get("idToken", "") if id_token else ""
    tag = find_tag(token) if token else None
    session = ChargingSession.objects.filter(charge_point_id=charge_point_id, transaction_ref=ref).first()
    if session is None:
        if event_type == "Ended":
            session = _orphan_session(charge_point_id, ref, OcppVersion.V201, token, at, rows, None)
        else:
            connector = _connector(charge_point_id, connector_id, evse_id) if evse_id is not None else None
            session = ChargingSession.objects.create(
                charge_point_id=charge_point_id,
                connector=connector,
                ocpp_version=OcppVersion.V201,
                transaction_ref=ref,
                id_tag=token,
                tag=tag,
                started_at=at,
            )
    elif evse_id is not None and session.connector_id is None:
        session.connector = _connector(charge_point_id, connector_id, evse_id)
    if token and not session.id_tag:
        session.id_tag, session.tag = token, tag
    if session.seq_no is None or seq_no >= session.seq_no:
        session.seq_no = seq_no
        if charging_state := transaction_info.get("chargingState"):
            session.charging_state = charging_state[:16]
    session.save()
    record_meter_values(
        charge_point_id=charge_point_id,
        connector_id=session.connector.connector_id if session.connector else 0,
        session=session,
        rows=rows,
    )
    session.refresh_from_db()
    if event_type == "Ended" and (session.status == SessionStatus.ACTIVE or session.reconciled):
        registers = [wh for r in rows if (wh := _wh(r)) is not None]
        _close(
            session,
            at=at,
            meter_stop=registers[-1] if registers else None,
            reason=transaction_info.get("stoppedReason") or "Local",
        )
    response: dict[str, Any] = {}
    if token:
        response["idTokenInfo"] = id_token_info(id_token=token, charge_point_id=charge_point_id)
    return response


def reconcile_stale(*, now: datetime.datetime | None = None) -> list[int]:
    """Close the zombies: sessions open on a connector that has shown Available for AVAILABLE_GRACE (the vehicle
    left and the stop was lost), and sessions of points silent for SILENT_SESSION_AFTER. Returns their ids."""
    now = now or timezone.now()
    closed = []
    left = ChargingSession.objects.filter(
        status=SessionStatus.ACTIVE,
        connector__status=ConnectorStatus.AVAILABLE,
        connector__status_at__lte=now - AVAILABLE_GRACE,
    ).filter(connector__status_at__gt=F("started_at"))
    for session in left:
        closed.append(session_reconcile(session=session, reason=ReconciliationReason.CONNECTOR_AVAILABLE, at=now).pk)
    silent = ChargingSession.objects.filter(
        status=SessionStatus.ACTIVE,
        charge_point__is_online=False,
        charge_point__offline_since__lte=now - SILENT_SESSION_AFTER,
    )
    for session in silent:
        closed.append(session_reconcile(session=session, reason=ReconciliationReason.STALE, at=now).pk)
    return closed
