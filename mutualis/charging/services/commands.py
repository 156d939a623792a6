"""Central system → charge point commands: requested from a page or the API, delivered by whichever gateway process
holds the point's websocket, answered by the point, the answer recorded.

The database is the mailbox: `request_command` writes a pending row (committed) and, when REDIS_URL is set,
publishes its id so that the gateways wake at once; without Redis they look for pending rows every half second.
The gateway holding the connection claims the row (`command_claim`: pending → sent, one claimant only), sends the
call, and records the answer (`command_record_result`) or the failure; `command_expire` times out the rest.
"""

import copy
import datetime
import json
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ocpp.exceptions import OCPPError
from ocpp.messages import Call, _validate_payload

from mutualis.accounts.types import User
from mutualis.charging.choices import (
    COMMAND_DONE,
    COMMANDS_201,
    CommandAction,
    CommandStatus,
    OcppVersion,
    ReservationStatus,
    SessionStatus,
)
from mutualis.charging.models import ChargePoint, ChargingSession, Command, Reservation
from mutualis.charging.permissions import require_charging_manager
from mutualis.core.services import audit_record
from mutualis.core.validation import Errors

logger = logging.getLogger(__name__)

# The Redis pub/sub channel the gateways listen on for new commands (the message is the command id).
COMMANDS_CHANNEL = "mutualis:charging:commands"
# What each accepted answer's status means, per action (answers without a status, like GetConfiguration, are
# accepted when they come).
_REJECTING = {
    "Rejected",
    "Faulted",
    "Occupied",
    "Unavailable",
    "UnlockFailed",
    "NotSupported",
    "Failed",
    "VersionMismatch",
    "UnknownVendorId",
    "UnknownMessageId",
    "NotImplemented",
    "RebootRequired",
    "UnknownConnector",
    "OngoingAuthorizedTransaction",
    "UnknownTransaction",
}


def _payload_errors(action: str, payload: dict[str, Any]) -> list[str]:
    """The OCPP 1.6 JSON schema's complaint about a command's payload, checked exactly as the gateway will check it
    before sending (the ocpp package's own validation)."""
    try:
        _validate_payload(Call(unique_id="check", action=action, payload=copy.deepcopy(payload)), "1.6")
    except OCPPError as error:
        cause = error.details.get("cause") if isinstance(error.details, dict) else None
        return [str(cause or error.description)]
    return []


def request_command(
    *, charge_point: ChargePoint, action: str, payload: dict[str, Any], acting_user: User | None
) -> Command:
    """Ask a charge point to do something (RemoteStartTransaction, Reset, …): a pending command, delivered by the
    gateway holding the point's connection, whose answer (or timeout) is recorded on it. The payload uses OCPP 1.6
    field names, checked against the 1.6 schema; a 2.0.1 point gets the 2.0.1 equivalent of the core profile."""
    require_charging_manager(acting_user)
    errors = Errors()
    if action not in CommandAction.values:
        errors.add("action", _("Commande inconnue."))
    elif charge_point.ocpp_version == OcppVersion.V201 and action not in COMMANDS_201:
        errors.add("action", _("Cette commande n'existe pas pour une borne OCPP 2.0.1."))
    elif not isinstance(payload, dict):
        errors.add("payload", _("Les paramètres sont un objet JSON."))
    else:
        for message in _payload_errors(action, payload):
            errors.add("payload", _("Paramètres refusés par le schéma OCPP : %(error)s") % {"error": message})
    if not charge_point.is_active:
        errors.add(None, _("Ce point de recharge est hors service."))
    errors.raise_if_any()
    with transaction.atomic():
        command = Command.objects.create(
            charge_point=charge_point,
            action=action,
            payload=payload,
            requested_by=acting_user,
            expires_at=timezone.now() + timedelta(seconds=settings.OCPP_COMMAND_TIMEOUT),
        )
        audit_record(
            actor=acting_user,
            action="charging.command_request",
            obj=command,
            member_id=charge_point.station.site.member_id,
            after={"action": action, "payload": payload, "charge_point": charge_point.ocpp_identity},
        )
        transaction.on_commit(lambda: publish_command(command.pk))
    return command


def publish_command(command_id: int) -> None:
    """Wake the gateways at once through Redis (when configured); they also poll, so a lost message only delays."""
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return
    try:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2)
        client.publish(COMMANDS_CHANNEL, json.dumps({"command": command_id}))
        client.close()
    except Exception:  # the poll delivers it anyway
        logger.warning("could not publish command %s on Redis", command_id, exc_info=True)


def command_claim(*, command_id: int, gateway_id: str, message_id: str) -> Command | None:
    """Take a pending command for sending (pending → sent): the one gateway whose update succeeds sends it; None
    when another took it, it was answered or it expired."""
    now = timezone.now()
    claimed = Command.objects.filter(pk=command_id, status=CommandStatus.PENDING, expires_at__gt=now).update(
        status=CommandStatus.SENT, gateway_id=gateway_id, message_id=message_id, sent_at=now, updated_at=now
    )
    return Command.objects.select_related("charge_point").get(pk=command_id) if claimed else None


def _status_of(result: dict[str, Any]) -> str:
    status = result.get("status")
    return CommandStatus.REJECTED if isinstance(status, str) and status in _REJECTING else CommandStatus.ACCEPTED


def command_record_result(*, command: Command, result: dict[str, Any]) -> Command:
    """Record a charge point's answer to a command: accepted, or rejected when its status says so."""
    status = _status_of(result)
    now = timezone.now()
    Command.objects.filter(pk=command.pk, status=CommandStatus.SENT).update(
        status=status, result=result, answered_at=now, updated_at=now
    )
    command.refresh_from_db()
    _after_result(command)
    return command


def command_fail(*, command: Command, error: str, status: str = CommandStatus.FAILED) -> Command:
    """Record that a command could not be delivered or got a CallError (or no answer: status « timeout »)."""
    if status not in (CommandStatus.FAILED, CommandStatus.TIMEOUT):
        raise ValidationError({"status": _("Un échec est « échec » ou « sans réponse ».")})
    now = timezone.now()
    Command.objects.filter(pk=command.pk).exclude(status__in=COMMAND_DONE).update(
        status=status, error=error[:2000], answered_at=now, updated_at=now
    )
    command.refresh_from_db()
    return command


def command_expire(*, now: Any = None) -> int:
    """Time out the commands nobody delivered or answered in time (OCPP_COMMAND_TIMEOUT); returns how many."""
    now = now or timezone.now()
    return Command.objects.filter(status__in=(CommandStatus.PENDING, CommandStatus.SENT), expires_at__lte=now).update(
        status=CommandStatus.TIMEOUT, error=_("La borne n'a pas répondu à temps."), answered_at=now, updated_at=now
    )


def _after_result(command: Command) -> None:
    """What an answer changes besides the command: the local list version, a reservation's status."""
    from mutualis.charging.services.tags import local_list_confirmed

    result = command.result or {}
    if command.action == CommandAction.SEND_LOCAL_LIST and command.status == CommandStatus.ACCEPTED:
        local_list_confirmed(charge_point_id=command.charge_point_id, version=int(command.payload["listVersion"]))
    elif command.action == CommandAction.GET_LOCAL_LIST_VERSION and isinstance(result.get("listVersion"), int):
        local_list_confirmed(charge_point_id=command.charge_point_id, version=result["listVersion"])
    elif command.action == CommandAction.RESERVE_NOW:
        accepted = command.status == CommandStatus.ACCEPTED
        Reservation.objects.filter(pk=command.payload.get("reservationId"), status=ReservationStatus.REQUESTED).update(
            status=ReservationStatus.ACCEPTED if accepted else ReservationStatus.REJECTED
        )
    elif command.action == CommandAction.CANCEL_RESERVATION and command.status == CommandStatus.ACCEPTED:
        Reservation.objects.filter(pk=command.payload.get("reservationId")).update(status=ReservationStatus.CANCELLED)


def remote_start(
    *, charge_point: ChargePoint, id_tag: str, acting_user: User | None, connector_id: int | None = None
) -> Command:
    """Ask a point to start charging for a badge (RemoteStartTransaction / RequestStartTransaction)."""
    payload: dict[str, Any] = {"idTag": (id_tag or "").strip()}
    if connector_id:
        payload["connectorId"] = connector_id
    return request_command(
        charge_point=charge_point, action=CommandAction.REMOTE_START, payload=payload, acting_user=acting_user
    )


def remote_stop(*, session: ChargingSession, acting_user: User | None) -> Command:
    """Ask a point to stop one of its open sessions (RemoteStopTransaction / RequestStopTransaction)."""
    if session.status != SessionStatus.ACTIVE:
        raise ValidationError(_("Cette session est déjà terminée."))
    return request_command(
        charge_point=session.charge_point,
        action=CommandAction.REMOTE_STOP,
        # The session's own id: the 1.6 transactionId the central system issued; the gateway sends a 2.0.1 station
        # its own transactionId instead.
        payload={"transactionId": session.pk},
        acting_user=acting_user,
    )


def reservation_request(
    *,
    charge_point: ChargePoint,
    id_tag: str,
    expires_at: datetime.datetime,
    acting_user: User | None,
    connector_id: int = 0,
) -> Reservation:
    """Reserve a connector of a point (0: any) for a badge until `expires_at` (ReserveNow)."""
    errors = Errors()
    if expires_at <= timezone.now():
        errors.add("expires_at", _("Une réservation se termine dans le futur."))
    if not charge_point.station.reservable:
        errors.add(None, _("Cette station ne prend pas de réservation."))
    errors.raise_if_any()
    with transaction.atomic():
        reservation = Reservation.objects.create(
            charge_point=charge_point, connector_id=connector_id, id_tag=id_tag.strip(), expires_at=expires_at
        )
        reservation.command = request_command(
            charge_point=charge_point,
            action=CommandAction.RESERVE_NOW,
            payload={
                "connectorId": connector_id,
                "expiryDate": expires_at.isoformat(),
                "idTag": reservation.id_tag,
                "reservationId": reservation.pk,
            },
            acting_user=acting_user,
        )
        reservation.save(update_fields=["command", "updated_at"])
    return reservation


def reservation_cancel(*, reservation: Reservation, acting_user: User | None) -> Command:
    """Cancel a reservation on its point (CancelReservation); it is cancelled once the point accepts."""
    return request_command(
        charge_point=reservation.charge_point,
        action=CommandAction.CANCEL_RESERVATION,
        payload={"reservationId": reservation.pk},
        acting_user=acting_user,
    )
