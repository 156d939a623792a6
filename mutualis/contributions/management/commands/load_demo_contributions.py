import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from mutualis.accounts.choices import StaffRole
from mutualis.accounts.models import User
from mutualis.contributions import services
from mutualis.contributions.models import ContributionRate
from mutualis.core.management.base import AuditedCommand
from mutualis.members.choices import Competence

# Demo rate table (€ per inhabitant, floor €): plausible orders of magnitude for a syndicat mixte.
DEMO_RATES: dict[str, tuple[Decimal, Decimal]] = {
    Competence.CENTRAL_PURCHASING: (Decimal("0.0600"), Decimal("180.00")),
    Competence.DIGITAL_EDUCATION: (Decimal("0.4500"), Decimal("1500.00")),
    Competence.VIDEO_PROTECTION: (Decimal("0.6000"), Decimal("2000.00")),
    Competence.EV_CHARGING: (Decimal("0.2000"), Decimal("500.00")),
    Competence.BROADBAND: (Decimal("0.3000"), Decimal("800.00")),
    Competence.DATA_SMART_CITY: (Decimal("0.1500"), Decimal("300.00")),
}
# The previous year's rates were about 4 % lower.
PREVIOUS_YEAR_FACTOR = Decimal("0.96")


def demo_issue_date(year: int) -> datetime.date:
    """The day the demo's calls of a year were issued: the first Monday of March of that year, once the budget is
    voted (each call then due the operator's payment delay later)."""
    first = datetime.date(year, 3, 1)
    return first + datetime.timedelta(days=(7 - first.weekday()) % 7)


class Command(AuditedCommand):
    help = "Charge les taux de cotisation de démonstration (année en cours et précédente) et émet les appels de l'année précédente."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        year = timezone.localdate().year
        # The operator's administrator sets the rates the comité syndical voted and issues the calls (the system
        # when the demo has no administrator yet).
        admin = User.objects.filter(staff_role=StaffRole.ADMINISTRATOR, is_active=True).order_by("pk").first()
        created = 0
        for target, factor in ((year, Decimal(1)), (year - 1, PREVIOUS_YEAR_FACTOR)):
            for competence, (per_inhabitant, floor) in DEMO_RATES.items():
                # Rates already there (perhaps changed by hand) are kept: reloading the demo never overwrites them.
                if ContributionRate.objects.filter(year=target, competence=competence).exists():
                    continue
                services.rate_set(
                    year=target,
                    competence=competence,
                    per_inhabitant=(per_inhabitant * factor).quantize(Decimal("0.0001")),
                    floor=(floor * factor).quantize(Decimal("1")),
                    acting_user=admin,
                )
                created += 1
        calls = services.call_issue_year(year=year - 1, acting_user=admin, issued_on=demo_issue_date(year - 1))
        self.stdout.write(f"Cotisations : {created} taux créé(s), {len(calls)} appel(s) {year - 1} émis.")
