"""`manage.py load_demo_charging`: the demo charging network (charging.demo); idempotent."""

from typing import Any

from mutualis.accounts.models import User
from mutualis.accounts.services import DEMO_EMAIL_DOMAIN
from mutualis.charging import demo
from mutualis.core.management.base import AuditedCommand


class Command(AuditedCommand):
    help = "Charge le réseau de recharge de démonstration (stations, points, badges, sessions) ; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        admin = User.objects.filter(email=f"admin@{DEMO_EMAIL_DOMAIN}").first()
        counts = demo.load(admin=admin)
        if not counts:
            self.stdout.write("Recharge : le réseau de démonstration existe déjà, rien n'est ajouté.")
            return
        self.stdout.write(
            f"Recharge : {counts['stations']} stations, {counts['points']} points de recharge, "
            f"{counts['sessions']} sessions ({counts['values']} relevés) ; points libres {demo.FREE_16} (1.6J) et "
            f"{demo.FREE_201} (2.0.1), badge {demo.DEMO_TAG}."
        )
