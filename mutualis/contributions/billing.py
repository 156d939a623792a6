"""The answer contributions give members (through `members.billing`) on whether an issued call bills a transfer."""

import datetime

from mutualis.contributions.choices import YEAR_MAX, CallStatus
from mutualis.contributions.models import ContributionCallLine
from mutualis.members.models import CompetenceTransfer


def calls_billing(transfer: CompetenceTransfer) -> list[str]:
    """Numbers of the issued calls with a line for the transfer's competence in a year the transfer covers.

    A line bills every transfer of its competence in force that year (days are counted over all of them), so it
    covers this one whenever their periods meet. Cancelled calls bill nothing.
    """
    last_year = (transfer.end_date or datetime.date(YEAR_MAX, 12, 31)).year
    lines = ContributionCallLine.objects.filter(
        call__member_id=transfer.member_id,
        call__status=CallStatus.ISSUED,
        competence=transfer.competence,
        call__year__gte=transfer.start_date.year,
        call__year__lte=last_year,
    )
    return list(lines.order_by("call__year", "call__number").values_list("call__number", flat=True).distinct())
