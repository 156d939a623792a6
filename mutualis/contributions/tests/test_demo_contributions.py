"""The demo loader for contributions."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from mutualis.contributions.management.commands.load_demo_contributions import demo_issue_date
from mutualis.contributions.models import ContributionCall, ContributionRate
from mutualis.contributions.tests.factories import commune_member
from mutualis.members.choices import Competence

pytestmark = pytest.mark.django_db


def test_load_demo_contributions_is_idempotent():
    """Rates for the current and previous year for every competence, previous year's calls issued; twice = same."""
    commune_member(population=40_000, competences=list(Competence.values))
    commune_member(population=2_000)
    call_command("load_demo_contributions", stdout=io.StringIO())
    year = timezone.localdate().year
    assert ContributionRate.objects.filter(year=year).count() == len(Competence.values)
    assert ContributionRate.objects.filter(year=year - 1).count() == len(Competence.values)
    for rate in ContributionRate.objects.all():
        assert Decimal("0.05") <= rate.per_inhabitant <= Decimal("0.60") and 150 <= rate.floor <= 2000
    assert ContributionCall.objects.filter(year=year - 1).count() == 2
    before = list(ContributionCall.objects.values_list("number", "total"))
    call_command("load_demo_contributions", stdout=io.StringIO())
    assert list(ContributionCall.objects.values_list("number", "total")) == before
    assert ContributionRate.objects.count() == 2 * len(Competence.values)


def test_demo_calls_are_dated_as_they_would_have_been_issued():
    """The previous year's demo calls are issued on the first Monday of March of that year (not on the loading
    day) and due the payment delay later."""
    commune_member(population=40_000)
    call_command("load_demo_contributions", stdout=io.StringIO())
    year = timezone.localdate().year - 1
    issued_on = demo_issue_date(year)
    assert (issued_on.year, issued_on.month, issued_on.weekday()) == (year, 3, 0) and issued_on.day <= 7
    call = ContributionCall.objects.get(year=year)
    assert timezone.localdate(call.issued_at) == issued_on
    assert call.due_date == issued_on + datetime.timedelta(days=settings.OPERATOR_PAYMENT_DELAY_DAYS)
