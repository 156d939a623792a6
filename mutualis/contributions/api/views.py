from typing import Any

from django.db.models import QuerySet
from rest_framework import permissions, viewsets

from mutualis.contributions import selectors
from mutualis.contributions.api.filters import ContributionCallFilter, ContributionRateFilter
from mutualis.contributions.api.serializers import ContributionCallSerializer, ContributionRateSerializer
from mutualis.contributions.models import ContributionCall, ContributionRate
from mutualis.contributions.permissions import get_abilities
from mutualis.core.permissions import AbilityPermission, is_operator_staff


class IsOperatorStaff(permissions.BasePermission):
    """The rate table is read by operator staff only."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_operator_staff(request.user)


class ContributionRateViewSet(viewsets.ReadOnlyModelViewSet):
    """Contribution rates per year and competence (operator staff)."""

    serializer_class = ContributionRateSerializer
    permission_classes = [permissions.IsAuthenticated, IsOperatorStaff, AbilityPermission]
    filterset_class = ContributionRateFilter
    ordering_fields = ["year", "competence"]
    queryset = ContributionRate.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[ContributionRate]:
        return selectors.rate_list(user=self.request.user).order_by("-year", "competence")

    def get_object_abilities(self, obj: ContributionRate) -> dict[str, bool]:
        return get_abilities(self.request.user, obj)


class ContributionCallViewSet(viewsets.ReadOnlyModelViewSet):
    """Contribution calls with their lines: operator staff see all, a member's users their member's calls."""

    serializer_class = ContributionCallSerializer
    permission_classes = [permissions.IsAuthenticated, AbilityPermission]
    filterset_class = ContributionCallFilter
    ordering_fields = ["year", "number", "total", "issued_at"]
    queryset = ContributionCall.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[ContributionCall]:
        return selectors.call_list(user=self.request.user).prefetch_related("lines")

    def get_object_abilities(self, obj: ContributionCall) -> dict[str, bool]:
        return get_abilities(self.request.user, obj)
