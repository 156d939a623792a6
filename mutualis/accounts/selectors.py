"""Reads of accounts: the signed-in sessions of an account (« Mes sessions »)."""

from dataclasses import dataclass

from django.utils import timezone

from mutualis.accounts.models import UserSession
from mutualis.accounts.services.sessions import session_store
from mutualis.accounts.types import Viewer, signed_in
from mutualis.accounts.useragents import describe_user_agent


@dataclass(frozen=True)
class SessionRow:
    """One session as « Mes sessions » shows it: the device in plain French, and whether it is this one."""

    session: UserSession
    device: str
    current: bool


def user_sessions(*, user: Viewer, current_key: str | None) -> list[SessionRow]:
    """The account's open sessions, the current one first, then by last activity; sessions expired or gone from the
    session store (timed out, or cycled under a new key) are left out."""
    account = signed_in(user)
    if account is None:
        return []
    store = session_store()
    rows = UserSession.objects.filter(user=account).exclude(expires_at__lt=timezone.now())
    alive = [row for row in rows if row.session_key == current_key or store.exists(row.session_key)]
    alive.sort(key=lambda row: (row.session_key != current_key, -row.last_activity.timestamp()))
    return [
        SessionRow(session=row, device=describe_user_agent(row.user_agent), current=row.session_key == current_key)
        for row in alive
    ]
