"""Background work of accounts (the worker process): the security e-mails of an account, in French."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from mutualis.accounts.models import User
from mutualis.accounts.tokens import password_reset_token_generator
from mutualis.core.context import audit_context

SUBJECTS = {
    "password_reset": _("Réinitialiser votre mot de passe Mutualis"),
    "password_reset_done": _("Votre mot de passe Mutualis a été réinitialisé"),
    "password_changed": _("Votre mot de passe Mutualis a été modifié"),
    "recovery_code_used": _("Un code de secours a servi à vous connecter à Mutualis"),
    "second_factor_reset": _("Votre double authentification Mutualis a été réinitialisée"),
}


def _absolute(path: str) -> str:
    return settings.SITE_ROOT.rstrip("/") + path


def password_reset_url(user: User) -> str:
    """The absolute one-use link that lets the account choose a new password (it lasts PASSWORD_RESET_LINK_SECONDS)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = password_reset_token_generator.make_token(user)
    return _absolute(reverse("accounts:password_reset_confirm", args=[uidb64, token]))


@task()
def send_security_email(user_id: int | None, kind: str, values: dict[str, Any]) -> bool:
    """Send the account the message `kind`, whatever its e-mail notification choice (these are about its
    security); False when there is no such active account. The reset link is made here, when the mail leaves."""
    with audit_context(origin="task:send_security_email", user_agent="task send_security_email"):
        user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
        if user is None or kind not in SUBJECTS:
            return False
        context = {
            **values,
            "user": user,
            "profile_url": _absolute(reverse("accounts:profile")),
            "sessions_url": _absolute(reverse("accounts:sessions")),
            "forgotten_url": _absolute(reverse("accounts:password_reset")),
            "link_minutes": settings.PASSWORD_RESET_LINK_SECONDS // 60,
        }
        if kind == "password_reset":
            context["link"] = password_reset_url(user)
        send_mail(
            subject=str(SUBJECTS[kind]),
            message=render_to_string(f"accounts/emails/{kind}.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
        return True
