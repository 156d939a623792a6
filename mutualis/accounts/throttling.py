"""Login throttling: after LOGIN_MAX_FAILURES failures for one account or one address, refuse for a while.

Counters live in the cache (Redis or the database cache), so every web process sees the same count; when the cache
cannot be reached, core.throttling logs it and counts nothing rather than refusing every login.
"""

import hashlib

from django.conf import settings

from mutualis.core.throttling import counter_clear, counter_hit, counter_value


def _keys(email: str, ip: str | None) -> list[str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    keys = [f"login-fail:account:{digest}"]
    if ip:
        keys.append(f"login-fail:ip:{ip}")
    return keys


def login_is_locked(*, email: str, ip: str | None) -> bool:
    """True when the account or the address has used up its failed attempts."""
    return any(counter_value(key) >= settings.LOGIN_MAX_FAILURES for key in _keys(email, ip))


def login_failed(*, email: str, ip: str | None) -> None:
    """Count one failed attempt (password or second factor) for the account and the address."""
    for key in _keys(email, ip):
        counter_hit(key, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def login_succeeded(*, email: str, ip: str | None) -> None:
    """A successful login clears the account's counter (not the address's: one address may try many accounts)."""
    counter_clear(_keys(email, ip)[0])
