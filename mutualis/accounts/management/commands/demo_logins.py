from django.core.management.base import BaseCommand

from mutualis.accounts.models import User
from mutualis.accounts.services import DEMO_EMAIL_DOMAIN

DEMO_PASSWORD = "demo-mutualis-2026"


class Command(BaseCommand):
    help = "Liste les comptes de démonstration (identifiant, rôle, structure)."

    def handle(self, *args: object, **options: object) -> None:
        users = User.objects.filter(email__endswith="@" + DEMO_EMAIL_DOMAIN).prefetch_related("memberships__member")
        if not users:
            self.stdout.write("Aucun compte de démonstration : lancez `manage.py load_demo`.")
            return
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD})")
        for user in users.order_by("-staff_role", "email"):
            if user.is_operator_staff:
                role = f"opérateur — {user.get_staff_role_display()} (TOTP : manage.py totp_code {user.email})"
            else:
                role = ", ".join(f"{m.get_role_display()} — {m.member}" for m in user.memberships.all()) or "—"
            self.stdout.write(f"  {user.email:<45} {role}")
