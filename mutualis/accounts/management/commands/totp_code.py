from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualis.accounts.services import DEMO_EMAIL_DOMAIN
from mutualis.core.testing import current_totp


class Command(BaseCommand):
    help = "Affiche le code TOTP courant d'un compte de démonstration (pour essayer la plateforme sans téléphone)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("email")

    def handle(self, *args: object, email: str, **options: object) -> None:
        if not email.lower().endswith("@" + DEMO_EMAIL_DOMAIN):
            raise CommandError(f"Réservé aux comptes de démonstration (@{DEMO_EMAIL_DOMAIN}).")
        device = TOTPDevice.objects.filter(user__email=email.lower(), confirmed=True).first()
        if device is None:
            raise CommandError("Ce compte n'a pas d'application d'authentification enregistrée.")
        self.stdout.write(current_totp(device))
