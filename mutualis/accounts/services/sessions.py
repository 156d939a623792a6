"""Where an account is signed in (« Mes sessions »): one UserSession per session key, kept in step with Django's
session store (SESSION_ENGINE, the database by default), which a closed session is deleted from."""

import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from mutualis.accounts.models import User, UserSession
from mutualis.core.services import audit_record


def session_store(session_key: str | None = None) -> SessionBase:
    """The configured session engine's store (for one key)."""
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key)


def session_opened(
    *,
    user: User,
    session_key: str,
    user_agent: str,
    ip_address: str | None,
    expires_at: datetime.datetime | None,
) -> UserSession:
    """Record the session a login just opened (its device, address and expiry), or refresh it when it exists; the
    account's rows of sessions already expired are dropped then, so that the table keeps only live ones."""
    now = timezone.now()
    UserSession.objects.filter(user=user, expires_at__lt=now).delete()
    values = {
        "user": user,
        "user_agent": (user_agent or "")[:255],
        "ip_address": ip_address or None,
        "last_activity": now,
        "expires_at": expires_at,
    }
    row, _ = UserSession.objects.update_or_create(
        session_key=session_key, defaults=values, create_defaults={**values, "created_at": now}
    )
    return row


def session_seen(
    *,
    user: User,
    session_key: str,
    user_agent: str,
    ip_address: str | None,
    expires_at: datetime.datetime | None,
) -> None:
    """The session was active just now (the middleware calls this at most once a minute per session): its last
    activity, address and expiry move on; a session signed in before this record existed gets its row (not one
    closed meanwhile from another device, whose request was still running)."""
    updated = UserSession.objects.filter(session_key=session_key, user=user).update(
        last_activity=timezone.now(), ip_address=ip_address or None, expires_at=expires_at
    )
    if not updated and session_store().exists(session_key):
        session_opened(
            user=user, session_key=session_key, user_agent=user_agent, ip_address=ip_address, expires_at=expires_at
        )


def session_closed(*, session_key: str | None) -> None:
    """Forget a session that ended (logout)."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def session_rekeyed(*, old_key: str | None, new_key: str | None) -> None:
    """The session kept its data under a new key (Django cycles it when the password changes): follow it."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def _close(rows: list[UserSession]) -> int:
    store = session_store()
    for row in rows:
        store.delete(row.session_key)
    UserSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


@transaction.atomic
def user_sessions_close_others(*, user: User, keep_session_key: str | None, acting_user: User) -> int:
    """Sign the account out everywhere but here (« Déconnecter les autres sessions »): those sessions are deleted
    from the session store, so their next request finds nobody signed in; audited with how many. Returns it."""
    rows = list(UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or ""))
    closed = _close(rows)
    audit_record(actor=acting_user, action="user.sessions_closed", obj=user, after={"sessions_closed": closed})
    return closed


def user_sessions_close_all(*, user: User) -> int:
    """Sign the account out of every session (its password was reset: whoever knew the old one is put out)."""
    return _close(list(UserSession.objects.filter(user=user)))
