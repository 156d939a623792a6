import django_filters

from mutualis.contributions.choices import CallStatus
from mutualis.contributions.models import ContributionCall, ContributionRate
from mutualis.core.filters import IdFilter


class ContributionRateFilter(django_filters.FilterSet):
    """Rates of one year."""

    class Meta:
        model = ContributionRate
        fields = ["year", "competence"]


class ContributionCallFilter(django_filters.FilterSet):
    """Calls by year, member (id) and status."""

    member = IdFilter(field_name="member_id")
    status = django_filters.ChoiceFilter(choices=CallStatus.choices)

    class Meta:
        model = ContributionCall
        fields = ["year", "member", "status"]
