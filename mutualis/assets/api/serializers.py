"""Serializers of the assets API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from mutualis.assets.choices import AssetStatus
from mutualis.assets.models import Asset, AssetEvent


class AssetEventSerializer(serializers.ModelSerializer):
    """One step of an asset's history."""

    class Meta:
        model = AssetEvent
        fields = ["id", "at", "kind", "from_status", "to_status", "site", "note"]


class AssetSerializer(serializers.ModelSerializer):
    """An asset of the fleet (read-only: assets are created when equipment is received)."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Asset
        fields = [
            "id",
            "member",
            "site",
            "kind",
            "kind_label",
            "designation",
            "manufacturer",
            "reference",
            "serial_number",
            "purchase_price_ht",
            "delivered_on",
            "warranty_end",
            "status",
            "status_label",
        ]
        read_only_fields = fields


class AssetTransitionSerializer(serializers.Serializer):
    """A status change of an asset."""

    to_status = serializers.ChoiceField(choices=AssetStatus.choices, help_text=_("Nouveau statut."))
    note = serializers.CharField(required=False, allow_blank=True, default="")
