"""Public adhésion form throttling: at most ADHESION_REQUEST_MAX accepted submissions per client address within
ADHESION_REQUEST_WINDOW_SECONDS (the approach of accounts.throttling: counters in the shared cache).

What is counted is what costs: a recorded request (rows, a notification to every administrator, an e-mail to the
address typed) or a bot caught by the honeypot. A submission refused for a typo writes and sends nothing, so a
person correcting the form is never locked out by their own mistakes.
"""

from django.conf import settings

from mutualis.core.throttling import counter_hit, counter_value


def _key(ip: str | None) -> str:
    # Requests without a known address share one counter: they cannot escape the limit.
    return f"adhesion-request:ip:{ip or 'unknown'}"


def adhesion_request_is_limited(*, ip: str | None) -> bool:
    """True when the address has used up its submissions for the window."""
    return counter_value(_key(ip)) >= settings.ADHESION_REQUEST_MAX


def adhesion_request_counted(*, ip: str | None) -> None:
    """Count one accepted submission (or one caught bot) for the address."""
    counter_hit(_key(ip), timeout=settings.ADHESION_REQUEST_WINDOW_SECONDS)
