"""Charging sessions from both OCPP versions: transactions started and stopped, meter values, and reconciliation.

Written for chargers as they are: a StartTransaction replayed after a reconnect gets the transaction it already
has; a StopTransaction for a transaction the central system closed at the point's reboot completes it with the
point's own figures; a StopTransaction for a transaction id never issued is accepted and recorded as a reconciled
session; meter values with old timestamps are stored without moving the session's latest reading back; a session
whose point rebooted, started a new charge on the same connector, or went silent is closed with its last reading and
a reason — never left open as a zombie.
"""

import datetime
from collections.abc import Iterable
from typing import Any

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
    MeterValue.objects.bulk_create(
        [MeterValue(charge_point_id=charge_point_id, session=session, connector_id=connector_id, **row) for row in rows]
    )
    if session is not None:
        _move_session_reading(session, rows)
    return len(rows)


def _move_session_reading(session: ChargingSession, rows: list[dict[str, Any]]) -> None:
    # One UPDATE guarded by the reading's time, so that a late (older) reading never moves the session back, even
    # when two arrive together; the instance is kept in step for the caller.
    registers = sorted(((r["timestamp"], wh) for r in rows if (wh := _wh(r)) is not None), key=lambda t: t[0])
    powers = sorted(((r["timestamp"], w) for r in rows if (w := _watts(r)) is not None), key=lambda t: t[0])
    if not registers and not powers:
        return
    at = max(([registers[-1][0]] if registers else []) + ([powers[-1][0]] if powers else []))
    values: dict[str, Any] = {"last_meter_at": at, "updated_at": timezone.now()}
    if registers:
        values["last_meter_wh"] = registers[-1][1]
        if (
            session.ocpp_version == OcppVersion.V201
            and session.last_meter_wh is None
            and session.origin == SessionOrigin.STARTED
            and not session.meter_start_wh
        ):
            # 2.0.1 stations may start without a reading: the first register is the start.
            values["meter_start_wh"] = registers[0][1]
    if powers:
        values["last_power_w"] = powers[-1][1]
    moved = (
        ChargingSession.objects.filter(pk=session.pk)
        .filter(Q(last_meter_at__isnull=True) | Q(last_meter_at__lte=at))
        .update(**values)
    )
    if moved:
        for name, value in values.items():
            setattr(session, name, value)


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
    elsewhere = (
        ChargingSession.objects.filter(tag=tag, status=SessionStatus.ACTIVE)
        .exclude(charge_point_id=charge_point_id)
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
    now = timezone.now()
    rows = sampled_values(meter_value, default_time=now)
    session = None
    if transaction_id is not None:
        session = (
            ChargingSession.objects.filter(charge_point_id=charge_point_id, transaction_ref=str(transaction_id))
            .order_by()
            .first()
        )
    if session is None and connector_id:
        session = ChargingSession.objects.filter(
            Q(connector__connector_id=connector_id)
            | Q(connector__evse_id=evse_id if evse_id is not None else connector_id),
            charge_point_id=charge_point_id,
            status=SessionStatus.ACTIVE,
        ).first()
    return record_meter_values(charge_point_id=charge_point_id, connector_id=connector_id, session=session, rows=rows)


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
