"""Writes owned by core: appending to the audit log."""

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from mutualis.core.context import current_audit_context
from mutualis.core.models import AuditChainHead, AuditEntry, Notification
from mutualis.core.validation import Errors

M = TypeVar("M", bound=models.Model)


def _jsonable(value: Any) -> Any:
    # Round-trip through JSON so the stored value is exactly what the hash was computed on.
    return None if value is None else json.loads(json.dumps(value, default=str))


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A JSON-ready picture of a model's concrete fields (or the named ones), for an audit before/after."""
    names = fields or [f.attname for f in obj._meta.concrete_fields if f.attname not in {"created_at", "updated_at"}]
    return _jsonable({name: getattr(obj, name) for name in names})


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    member_id: int | None = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry to the hash-chained audit log, inside the caller's transaction; where the action comes from
    (address, user agent, request id) is read from the audit context (core.context), never passed in."""
    context = current_audit_context()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    # A block rather than a decorator: mutmut (make mutation) leaves decorated functions unmutated.
    with transaction.atomic():
        head, _ = AuditChainHead.objects.get_or_create(id=1)
        head = AuditChainHead.objects.select_for_update().get(id=1)
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        entry = AuditEntry(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            actor=actor if authenticated else None,
            actor_label=str(actor) if authenticated else "système",
            action=action,
            object_type=object_type,
            object_id=str(object_id or ""),
            object_repr=str(object_repr)[:255],
            member_id=member_id,
            before=_jsonable(before),
            after=_jsonable(after),
            reason=reason,
            ip_address=context.ip_address,
            user_agent=context.user_agent or None,
            request_id=context.request_id or None,
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        head.last_seq, head.last_hash = entry.seq, entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
        return entry


def update_audited(
    obj: M,
    *,
    acting_user: Any,
    action: str,
    changes: Mapping[str, Any],
    allowed: Collection[str],
    member_id: int | None = None,
    audit_fields: Iterable[str] | None = None,
    prepare: Callable[[M], None] | None = None,
    check: Callable[[M, Errors], None] | None = None,
    full_clean: bool = True,
    saved: Callable[[M], object] | None = None,
) -> M:
    """The one way an edit form's service changes a row: lock it, set the changes (a field outside `allowed` is a
    programming error, TypeError), `prepare` it (derived values), check it (`full_clean`, then `check` adding the
    app's rules to the errors), save, let `saved` do what follows (re-checking dependants), and audit the row
    before and after. Returns the saved row; on any error nothing is written."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise TypeError(f"{action}: unknown field(s) {', '.join(unknown)}")
    fields = list(audit_fields) if audit_fields is not None else None
    with transaction.atomic():
        row = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        before = snapshot(row, fields)
        for name, value in changes.items():
            setattr(row, name, value)
        if prepare is not None:
            prepare(row)
        errors = Errors()
        if full_clean:
            errors.full_clean(row)
        if check is not None:
            check(row, errors)
        errors.raise_if_any()
        row.save()
        if saved is not None:
            saved(row)
        audit_record(
            actor=acting_user, action=action, obj=row, member_id=member_id, before=before, after=snapshot(row, fields)
        )
    return row


def audit_verify() -> list[str]:
    """Walk the whole chain; return one French sentence per problem (edited, inserted or deleted entry)."""
    problems: list[str] = []
    expected_prev = AuditChainHead._meta.get_field("last_hash").default
    expected_seq = 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            problems.append(f"Entrée(s) n° {expected_seq} à {entry.seq - 1} supprimée(s) ou renumérotée(s).")
        if entry.prev_hash != expected_prev:
            problems.append(f"Entrée n° {entry.seq} : chaînage rompu (entrée précédente modifiée ou insérée).")
        if entry.compute_hash() != entry.hash:
            problems.append(f"Entrée n° {entry.seq} : contenu modifié après écriture.")
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    head = AuditChainHead.objects.filter(id=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or head.last_hash != expected_prev):
        problems.append(f"Fin de chaîne : {head.last_seq} entrée(s) attendue(s), {last_seq} trouvée(s).")
    return problems


def notify(*, recipients: Iterable[Any], kind: str, title: str, body: str = "", url: str = "") -> int:
    """Store a notification for each recipient; the realtime process pushes it to their open pages, and the worker
    e-mails it to those who accept e-mails (after the transaction commits)."""
    rows = [
        Notification(recipient=user, kind=kind, title=title[:200], body=body, url=url)
        for user in {u.pk: u for u in recipients}.values()
    ]
    Notification.objects.bulk_create(rows)
    user_ids = [row.recipient_id for row in rows]
    notification_ids = [row.pk for row in rows if row.pk is not None]
    transaction.on_commit(lambda: _wake_realtime(user_ids))
    if not _emails_suppressed.get():
        transaction.on_commit(lambda: _enqueue_emails(notification_ids))
    return len(rows)


def mark_notifications_read(*, recipient_id: int, notification_id: int | None = None) -> int:
    """Mark the recipient's unread notifications read (one of them, or all); returns how many changed. Another
    user's notification is never touched, and one already read keeps the date it was first read."""
    unread = Notification.objects.filter(recipient_id=recipient_id, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    changed = unread.update(read_at=timezone.now())
    if changed:
        transaction.on_commit(lambda: _wake_realtime([recipient_id]))  # other open pages update their badge
    return changed


_emails_suppressed: ContextVar[bool] = ContextVar("notification_emails_suppressed", default=False)


@contextmanager
def notification_emails_suppressed() -> Iterator[None]:
    """Within this block, notifications are stored and shown but not e-mailed (loading demo data or history)."""
    token = _emails_suppressed.set(True)
    try:
        yield
    finally:
        _emails_suppressed.reset(token)


def _enqueue_emails(notification_ids: list[int]) -> None:
    # The worker sends them: a slow or absent mail server never holds up the page that raised the notification.
    from mutualis.core.tasks import send_notification_emails

    if notification_ids:
        send_notification_emails.enqueue(notification_ids)


def _wake_realtime(user_ids: list[int]) -> None:
    # With Redis the realtime process is woken at once; without it, its consumers poll the table every
    # few seconds, so nothing is lost either way.
    from django.conf import settings

    if not settings.REDIS_URL:
        return
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    for user_id in user_ids:
        async_to_sync(layer.group_send)(f"user-{user_id}", {"type": "notifications.wake"})
