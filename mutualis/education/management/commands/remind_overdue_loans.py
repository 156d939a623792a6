"""`manage.py remind_overdue_loans`: notify (and e-mail) the referents and lending managers of overdue loans."""

from typing import Any

from mutualis.core.management.base import AuditedCommand
from mutualis.education.services.loans import loan_remind_overdue


class Command(AuditedCommand):
    help = "Relance les prêts d'équipements en retard (notification et courriel, une fois par semaine au plus)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = loan_remind_overdue()
        self.stdout.write(f"{count} prêt(s) en retard relancé(s).")
