"""Event sources (Frigate servers, ONVIF devices, webhook emitters) and their tokens: shown once, stored hashed,
rotatable; a source going offline is a technical alarm on every site it serves."""

import datetime
import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, snapshot, update_audited
from mutualis.core.validation import Errors
from mutualis.supervision.choices import SourceKind
from mutualis.supervision.integrations.onvif import credentials
from mutualis.supervision.models import EventSource
from mutualis.supervision.services.common import require_operator

SOURCE_FIELDS = (
    "name",
    "kind",
    "description",
    "mqtt_topic_prefix",
    "frigate_base_url",
    "onvif_url",
    "onvif_username",
    "is_active",
)


def token_hash(token: str) -> str:
    """The stored form of a token (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(source: EventSource) -> str:
    token = secrets.token_urlsafe(32)
    source.token_hash = token_hash(token)
    source.token_prefix = token[:8]
    source.token_rotated_at = timezone.now()
    return token


def _check_onvif(source: EventSource, errors: Errors) -> None:
    """An ONVIF source needs the device's address, over HTTP or HTTPS (the SOAP binding ONVIF defines)."""
    if source.onvif_url and urlsplit(source.onvif_url).scheme not in ("http", "https"):
        errors.add("onvif_url", _("L'URL ONVIF doit commencer par http:// ou https://."))
    if source.kind == SourceKind.ONVIF and not source.onvif_url and not errors.has("onvif_url"):
        errors.add("onvif_url", _("Une source ONVIF a besoin de l'URL de l'équipement (service device)."))
    if source.onvif_password_sealed and not source.onvif_username:
        errors.add("onvif_username", _("Un mot de passe ONVIF va avec un identifiant."))


def _set_password(source: EventSource, password: str | None, clear: bool) -> None:
    # None or "" keeps the stored password (the form never shows it back); `clear` removes it.
    if clear:
        source.onvif_password_sealed = ""
    elif password:
        source.onvif_password_sealed = credentials.seal(password)


@transaction.atomic
def source_create(
    *, name: str, kind: str, acting_user: User | None, onvif_password: str = "", **fields: Any
) -> tuple[EventSource, str]:
    """Create a source and its first token, returned in clear this once (an ONVIF password is stored sealed)."""
    if acting_user is not None:
        require_operator(acting_user)
    source = EventSource(name=name.strip(), kind=kind, **{k: v for k, v in fields.items() if k in SOURCE_FIELDS})
    _set_password(source, onvif_password, False)
    token = _new_token(source)
    errors = Errors()
    errors.full_clean(source)
    _check_onvif(source, errors)
    errors.raise_if_any()
    source.save()
    audit_record(actor=acting_user, action="supervision.source_create", obj=source, after=snapshot(source, _PUBLIC))
    return source, token


# What the audit keeps of a source: never the password, only whether one is set.
_PUBLIC = (*SOURCE_FIELDS, "onvif_password_set")


@transaction.atomic
def source_update(
    *,
    source: EventSource,
    acting_user: User,
    onvif_password: str | None = None,
    onvif_password_clear: bool = False,
    **fields: Any,
) -> EventSource:
    """Change a source's settings (not its token: see source_rotate_token); an empty password keeps the stored
    one."""
    require_operator(acting_user)
    return update_audited(
        source,
        acting_user=acting_user,
        action="supervision.source_update",
        changes=fields,
        allowed=SOURCE_FIELDS,
        audit_fields=_PUBLIC,
        prepare=lambda row: _set_password(row, onvif_password, onvif_password_clear),
        check=_check_onvif,
    )


def source_onvif_password(source: EventSource) -> str:
    """The ONVIF password in clear, for the ingest process only (CredentialError when no key opens it)."""
    return credentials.unseal(source.onvif_password_sealed)


def source_report_error(*, source: EventSource, message: str, at: datetime.datetime | None = None) -> None:
    """Record what the ingest process failed on (shown on the sources page); "" clears it."""
    text = message.strip()[:255]
    EventSource.objects.filter(pk=source.pk).update(
        last_error=text, last_error_at=(at or timezone.now()) if text else None, updated_at=timezone.now()
    )


@transaction.atomic
def source_rotate_token(*, source: EventSource, acting_user: User | None) -> str:
    """Give the source a new token (returned in clear this once); the old one stops working at once."""
    if acting_user is not None:
        require_operator(acting_user)
    source = EventSource.objects.select_for_update().get(pk=source.pk)
    token = _new_token(source)
    source.save(update_fields=["token_hash", "token_prefix", "token_rotated_at", "updated_at"])
    audit_record(actor=acting_user, action="supervision.source_token_rotate", obj=source)
    return token


def source_authenticate(*, token: str) -> EventSource | None:
    """The active source this token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    digest = token_hash(token)
    source = EventSource.objects.filter(token_hash=digest, is_active=True).first()
    # The lookup is by hash; the constant-time comparison keeps timing from telling how much of it matched.
    if source is None or not hmac.compare_digest(source.token_hash, digest):
        return None
    return source


def source_set_online(*, source: EventSource, online: bool, at: datetime.datetime | None = None) -> int:
    """Record that a source (an NVR, a Frigate server) went offline or came back: offline raises a technical alarm
    on each site it serves, back online closes them. Returns how many alarms were raised or closed."""
    from mutualis.supervision.choices import TechnicalKind
    from mutualis.supervision.models import ProtectedSite
    from mutualis.supervision.services.alarms import technical_alarm_raise, technical_alarm_resolve

    at = at or timezone.now()
    changed = 0
    with transaction.atomic():
        source = EventSource.objects.select_for_update().get(pk=source.pk)
        source.online, source.last_seen_at = online, at
        source.save(update_fields=["online", "last_seen_at", "updated_at"])
        ref = f"source:{source.pk}"
        sites = ProtectedSite.objects.filter(devices__source=source).distinct()
        for protected_site in sites:
            if not online:
                technical_alarm_raise(
                    protected_site=protected_site,
                    technical_kind=TechnicalKind.SOURCE_OFFLINE,
                    title=_("Source « %(name)s » hors ligne") % {"name": source.name},
                    at=at,
                    source_ref=ref,
                )
                changed += 1
            else:
                changed += technical_alarm_resolve(
                    technical_kind=TechnicalKind.SOURCE_OFFLINE,
                    at=at,
                    protected_site=protected_site,
                    source_ref=ref,
                    note=_("Source de nouveau en ligne."),
                )
    return changed
