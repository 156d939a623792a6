"""`manage.py reset_second_factor EMAIL`: remove an account's authenticator and recovery codes (lost phone), for
when no administrator can sign in to do it from the admin (the administrator who lost their own phone)."""

from typing import Any

from django.core.management.base import CommandError, CommandParser

from mutualis.accounts import services
from mutualis.accounts.models import User
from mutualis.core.management.base import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Réinitialise la double authentification d'un compte (application et codes de secours) : la personne est "
        "prévenue par courriel et, pour un compte de l'opérateur, configure une nouvelle application à sa prochaine "
        "connexion. Inscrit au journal d'audit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="Adresse électronique du compte.")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Aucun compte avec l'adresse « {email} ».")
        services.totp_device_reset(user=user, acting_user=None)
        self.stdout.write(
            f"Double authentification de {user.email} réinitialisée ; la personne est prévenue par courriel.",
            style_func=self.style.SUCCESS,
        )
