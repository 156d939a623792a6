"""Serializers of the education API."""

from rest_framework import serializers

from mutualis.core.api import ScopedPrimaryKeyRelatedField
from mutualis.education.models import Establishment
from mutualis.members.models import Member, Site
from mutualis.territory.models import Commune


class EstablishmentSerializer(serializers.ModelSerializer):
    """An école or a collège; `commune` by INSEE code, `member` and `site` by id among those the caller sees."""

    commune = serializers.SlugRelatedField(slug_field="insee_code", queryset=Commune.objects.all())
    commune_name = serializers.CharField(source="commune.name", read_only=True)
    departement = serializers.CharField(source="commune.departement.code", read_only=True)
    member = ScopedPrimaryKeyRelatedField(Member)
    site = ScopedPrimaryKeyRelatedField(Site, required=False, allow_null=True)

    class Meta:
        model = Establishment
        fields = [
            "id",
            "uai",
            "name",
            "kind",
            "sector",
            "commune",
            "commune_name",
            "departement",
            "member",
            "site",
            "pupils",
            "classes",
            "pupils_with_disability",
        ]
        # The service checks the UAI and its uniqueness, with the one French message.
        extra_kwargs = {"uai": {"validators": []}}
