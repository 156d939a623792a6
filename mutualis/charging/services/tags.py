"""Writes of the badges (ID tags) and the local authorisation list the charge points keep for offline use.

Every change of a badge takes the next list version (`IdTag.list_version`): a differential SendLocalList sends the
badges changed since the version a charge point confirmed, a full one every badge. `authorize` is what the gateway
answers Authorize, StartTransaction and TransactionEvent with.
"""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.charging.choices import CommandAction, IdTagStatus, SessionStatus
from mutualis.charging.models import ChargePoint, ChargingSession, Command, IdTag
from mutualis.charging.permissions import require_charging_manager
from mutualis.core.services import audit_record, snapshot, update_audited
from mutualis.core.validation import Errors
from mutualis.members.models import Member

TAG_FIELDS = ("holder", "status", "expires_at", "parent_id_tag", "notes")
# OCPP 1.6 SendLocalList: charge points commonly accept a few hundred entries per message (SendLocalListMaxLength).
LOCAL_LIST_MAX = 500


def current_list_version() -> int:
    """The local list version of the badges as they are now (0 when there is none)."""
    return IdTag.objects.aggregate(v=Max("list_version"))["v"] or 0


@transaction.atomic
def id_tag_create(
    *,
    member: Member,
    id_tag: str,
    acting_user: User | None,
    holder: str = "",
    status: str = IdTagStatus.ACCEPTED,
    expires_at: datetime.datetime | None = None,
    parent_id_tag: str = "",
    notes: str = "",
) -> IdTag:
    """Give a member a badge; it reaches the charge points' local lists with the next SendLocalList."""
    require_charging_manager(acting_user)
    tag = IdTag(
        member=member,
        id_tag=(id_tag or "").strip(),
        holder=holder.strip(),
        status=status,
        expires_at=expires_at,
        parent_id_tag=parent_id_tag.strip(),
        notes=notes,
        list_version=current_list_version() + 1,
    )
    errors = Errors()
    errors.full_clean(tag)
    errors.raise_if_any()
    tag.save()
    audit_record(actor=acting_user, action="charging.id_tag_create", obj=tag, member_id=member.pk, after=snapshot(tag))
    return tag


@transaction.atomic
def id_tag_update(*, tag: IdTag, acting_user: User | None, **fields: Any) -> IdTag:
    """Change a badge (holder, status — block it —, expiry, parent, notes); it takes the next list version."""
    require_charging_manager(acting_user)

    def next_version(row: IdTag) -> None:
        row.list_version = current_list_version() + 1

    return update_audited(
        tag,
        acting_user=acting_user,
        action="charging.id_tag_update",
        changes={n: v.strip() if isinstance(v, str) and n != "notes" else v for n, v in fields.items()},
        allowed=TAG_FIELDS,
        member_id=tag.member_id,
        prepare=next_version,
    )


def tag_status(tag: IdTag | None, now: datetime.datetime | None = None) -> str:
    """What a badge is worth now: Invalid when unknown, Expired past its expiry, else its own status."""
    if tag is None:
        return IdTagStatus.INVALID
    now = now or timezone.now()
    if tag.status == IdTagStatus.ACCEPTED and tag.expires_at is not None and tag.expires_at <= now:
        return IdTagStatus.EXPIRED
    return tag.status


def find_tag(id_tag: str) -> IdTag | None:
    """The badge with this id, whatever its case (OCPP 1.6 idTag is a CiString)."""
    return IdTag.objects.filter(id_tag__iexact=(id_tag or "").strip()).first() if id_tag else None


def id_tag_info(tag: IdTag | None, *, concurrent_session: ChargingSession | None = None) -> dict[str, Any]:
    """The OCPP 1.6 idTagInfo for a badge (status, expiryDate, parentIdTag; ConcurrentTx when it charges elsewhere)."""
    status = tag_status(tag)
    if status == IdTagStatus.ACCEPTED and concurrent_session is not None:
        status = "ConcurrentTx"
    info: dict[str, Any] = {"status": status}
    if tag is not None and tag.expires_at is not None:
        info["expiryDate"] = tag.expires_at.isoformat()
    if tag is not None and tag.parent_id_tag:
        info["parentIdTag"] = tag.parent_id_tag
    return info


def authorize(*, id_tag: str, charge_point_id: int | None = None) -> dict[str, Any]:
    """Answer an Authorize: the badge's idTagInfo; ConcurrentTx when it already charges on another point."""
    tag = find_tag(id_tag)
    elsewhere = None
    if tag is not None:
        elsewhere = (
            ChargingSession.objects.filter(tag=tag, status=SessionStatus.ACTIVE)
            .exclude(charge_point_id=charge_point_id)
            .first()
        )
    return id_tag_info(tag, concurrent_session=elsewhere)


def local_list_payload(*, since_version: int, full: bool) -> dict[str, Any]:
    """A SendLocalList payload (OCPP 1.6): every badge (full), or those changed since `since_version`."""
    version = current_list_version()
    tags = IdTag.objects.order_by("list_version", "id_tag")
    if not full:
        tags = tags.filter(list_version__gt=since_version)
    entries = []
    for tag in tags[:LOCAL_LIST_MAX]:
        entries.append({"idTag": tag.id_tag, "idTagInfo": id_tag_info(tag)})
    return {
        "listVersion": max(version, 1),
        "updateType": "Full" if full else "Differential",
        "localAuthorizationList": entries,
    }


def local_list_push(*, charge_point: ChargePoint, acting_user: User | None, full: bool = False) -> Command:
    """Send the charge point the badges it does not have yet (differential from the version it confirmed; full
    when asked or when it has none); the version is recorded when it accepts."""
    from mutualis.charging.services.commands import request_command

    full = full or charge_point.local_list_version <= 0
    payload = local_list_payload(since_version=charge_point.local_list_version, full=full)
    if not full and not payload["localAuthorizationList"]:
        raise_nothing_to_send()
    return request_command(
        charge_point=charge_point, action=CommandAction.SEND_LOCAL_LIST, payload=payload, acting_user=acting_user
    )


def raise_nothing_to_send() -> None:
    """Refuse a differential list with no change in it."""
    errors = Errors()
    errors.add(None, _("La borne a déjà la dernière version de la liste des badges."))
    errors.raise_if_any()


def local_list_confirmed(*, charge_point_id: int, version: int) -> None:
    """Record the list version a charge point accepted (SendLocalList Accepted, GetLocalListVersion)."""
    ChargePoint.objects.filter(pk=charge_point_id).update(local_list_version=version)


def id_token_info(*, id_token: str, charge_point_id: int | None = None) -> dict[str, Any]:
    """The OCPP 2.0.1 idTokenInfo for a token: as `authorize`, an unknown token being « Unknown »."""
    tag = find_tag(id_token)
    if tag is None:
        return {"status": "Unknown"}
    info = authorize(id_tag=id_token, charge_point_id=charge_point_id)
    token_info: dict[str, Any] = {"status": info["status"]}
    if "expiryDate" in info:
        token_info["cacheExpiryDateTime"] = info["expiryDate"]
    return token_info
