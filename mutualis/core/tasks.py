"""Background work run by the worker process (django-tasks): notifications sent by e-mail."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from mutualis.core.context import audit_context
from mutualis.core.models import Notification


def _absolute(url: str) -> str:
    return settings.SITE_ROOT.rstrip("/") + url if url.startswith("/") else url


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notification not e-mailed yet to its recipient, when the account is active and accepts e-mails;
    returns how many were sent. Marked once sent, so that running it again sends nothing twice."""
    # No request here: the task opens its own audit context, for whatever the e-mails lead to record.
    with audit_context(origin="task:send_notification_emails", user_agent="task send_notification_emails"):
        sent = 0
        pending = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        for notification in pending.select_related("recipient"):
            user = notification.recipient
            if not (user.is_active and user.email and getattr(user, "notify_by_email", True)):
                continue
            context = {
                "notification": notification,
                "link": _absolute(notification.url) if notification.url else "",
                "settings_link": _absolute(reverse("accounts:profile")),
            }
            send_mail(
                subject=_("[Mutualis] %(title)s") % {"title": notification.title},
                message=render_to_string("core/emails/notification.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
            sent += 1
        return sent
