from django.core.management.base import BaseCommand, CommandError

from mutualis.core.services import audit_verify


class Command(BaseCommand):
    help = "Vérifie l'intégrité du journal d'audit chaîné (entrée modifiée, insérée ou supprimée)."

    def handle(self, *args: object, **options: object) -> None:
        problems = audit_verify()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"Journal d'audit altéré : {len(problems)} anomalie(s).")
        self.stdout.write(self.style.SUCCESS("Journal d'audit intègre."))
