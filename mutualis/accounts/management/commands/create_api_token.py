"""`manage.py create_api_token EMAIL [--days N]`: a new API token for an account (integration accounts, scripts)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import formats, timezone

from mutualis.accounts import services
from mutualis.accounts.authentication import token_expires_at
from mutualis.accounts.models import User
from mutualis.core.management.base import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Crée un nouveau jeton d'API pour un compte (comptes d'intégration, scripts) et l'affiche ; l'ancien jeton "
        "cesse aussitôt de fonctionner. Durée : celle de « Mon compte » (365 jours, 90 pour un compte opérateur), "
        "--days peut la raccourcir, jamais l'allonger."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="Adresse électronique du compte.")
        parser.add_argument("--days", type=int, default=None, help="Durée de validité en jours (plus courte).")

    def handle(self, *args: Any, email: str, days: int | None, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Aucun compte avec l'adresse « {email} ».")
        try:
            token = services.api_token_regenerate(user=user, acting_user=None, days=days)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        expires = formats.date_format(timezone.localtime(token_expires_at(token)), "d/m/Y")
        # The key alone on stdout, so that a script can capture it; the explanation on stderr.
        self.stdout.write(token.key)
        message = f"Jeton d'API de {user.email}, valable jusqu'au {expires} ; l'ancien ne fonctionne plus."
        self.stderr.write(message, style_func=self.style.SUCCESS)
