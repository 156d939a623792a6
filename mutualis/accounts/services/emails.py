"""The security e-mails of an account (reset link, password changed, recovery code used, second factor reset):
sent by the worker after the transaction commits, so that a slow mail server holds up no page, and a reset request
takes the same time whether the address has an account or not."""

from typing import Any

from django.db import transaction


def security_email_send(*, user_id: int | None, kind: str, values: dict[str, Any] | None = None) -> None:
    """E-mail the account the message `kind` (accounts/emails/<kind>.txt) once the transaction commits; with no
    account (a reset asked for an unknown address) the task is still queued, and sends nothing."""
    from mutualis.accounts.tasks import send_security_email

    payload = dict(values or {})
    transaction.on_commit(lambda: send_security_email.enqueue(user_id, kind, payload))
