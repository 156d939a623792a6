"""Login throttling: after LOGIN_MAX_FAILURES failures for one account or one address, refuse for a while; the
« Mot de passe oublié ? » requests likewise, after PASSWORD_RESET_MAX_REQUESTS requests (sent or not: the answer is
the same whether the address has an account or not, and so is the count).

Counters live in the cache (Redis or the database cache), so every web process sees the same count; when the cache
cannot be reached, core.throttling logs it and counts nothing rather than refusing every login.
"""

import hashlib

from django.conf import settings

from mutualis.core.throttling import counter_clear, counter_hit, counter_value


def _keys(email: str, ip: str | None, prefix: str = "login-fail") -> list[str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    keys = [f"{prefix}:account:{digest}"]
    if ip:
        keys.append(f"{prefix}:ip:{ip}")
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


def password_reset_is_locked(*, email: str, ip: str | None) -> bool:
    """True when the address typed, or the client's address, has asked for PASSWORD_RESET_MAX_REQUESTS links
    within the window."""
    keys = _keys(email, ip, prefix="password-reset")
    return any(counter_value(key) >= settings.PASSWORD_RESET_MAX_REQUESTS for key in keys)


def password_reset_requested(*, email: str, ip: str | None) -> None:
    """Count one reset request for the address typed and the client's address."""
    for key in _keys(email, ip, prefix="password-reset"):
        counter_hit(key, timeout=settings.PASSWORD_RESET_WINDOW_SECONDS)
