from rest_framework import serializers

from mutualis.contributions.models import ContributionCall, ContributionCallLine, ContributionRate


class ContributionRateSerializer(serializers.ModelSerializer):
    """A yearly rate of one competence."""

    class Meta:
        model = ContributionRate
        fields = ["id", "year", "competence", "per_inhabitant", "floor", "set_at"]
        read_only_fields = fields


class ContributionCallLineSerializer(serializers.ModelSerializer):
    """One competence line of a call, with the values it was computed from."""

    class Meta:
        model = ContributionCallLine
        fields = ["competence", "population", "per_inhabitant", "floor", "days_in_force", "days_in_year", "amount"]
        read_only_fields = fields


class ContributionCallSerializer(serializers.ModelSerializer):
    """A member's contribution call with its lines."""

    member_name = serializers.CharField(source="member.name", read_only=True)
    member_siren = serializers.CharField(source="member.siren", read_only=True)
    lines = ContributionCallLineSerializer(many=True, read_only=True)

    class Meta:
        model = ContributionCall
        fields = [
            "id",
            "number",
            "year",
            "member",
            "member_name",
            "member_siren",
            "status",
            "issued_at",
            "due_date",
            "total",
            "cancel_reason",
            "cancelled_at",
            "lines",
        ]
        read_only_fields = fields
