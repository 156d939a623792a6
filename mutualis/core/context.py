"""Who acts and from where, for the audit log: set once per request, task, gateway connection or command.

Services take `acting_user` and never the request; `audit_record` reads the address, user agent and request id
from here. The web middleware sets them for each request; a task, the OCPP gateway or a management command opens
its own `audit_context(origin=…)`.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class AuditContext:
    """Where an action comes from: the client's address and user agent, a request id, the kind of caller."""

    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""
    origin: str = ""


_current: ContextVar[AuditContext] = ContextVar("audit_context", default=AuditContext())  # noqa: B039


def current_audit_context() -> AuditContext:
    """The context in force (an empty one outside any request, task or command)."""
    return _current.get()


@contextmanager
def audit_context(**values: str | None) -> Iterator[AuditContext]:
    """Within this block, audit entries carry these values (origin="task:…", "ocpp", "command:…", …)."""
    context = replace(_current.get(), **values)  # type: ignore[arg-type]
    if not context.request_id:
        context = replace(context, request_id=uuid.uuid4().hex)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address as Django sees it (behind a proxy, configure it to set REMOTE_ADDR)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def request_audit_context(request: HttpRequest) -> AuditContext:
    """The audit context of one web request (a client's X-Request-ID is kept when it is a sane token)."""
    given = request.headers.get("X-Request-ID", "")
    request_id = given if given.isascii() and given.replace("-", "").isalnum() and len(given) <= 64 else ""
    return AuditContext(
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:255],
        request_id=request_id or uuid.uuid4().hex,
        origin="web",
    )


class AuditContextMiddleware:
    """Sets the audit context for the request, and answers with the request id so a user can quote it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = request_audit_context(request)
        token = _current.set(context)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = context.request_id
        return response
