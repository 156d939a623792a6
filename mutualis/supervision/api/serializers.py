"""Serializers of the supervision API: alarms as their readers may see them (snapshots only for the habilitated)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mutualis.supervision.models import Alarm
from mutualis.supervision.permissions import can_view_images


class AlarmSerializer(serializers.ModelSerializer):
    """An alarm: where, what, how urgent, its state and qualification."""

    site = serializers.IntegerField(source="protected_site_id", read_only=True, help_text=_("Site protégé."))
    site_name = serializers.CharField(source="protected_site.site.name", read_only=True)
    commune = serializers.CharField(source="protected_site.site.commune.name", read_only=True)
    device_name = serializers.CharField(source="device.name", read_only=True, default=None)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    priority_label = serializers.CharField(source="get_priority_display", read_only=True)
    claimed_by = serializers.StringRelatedField(read_only=True)
    snapshot_url = serializers.SerializerMethodField(
        help_text=_("Vignette : seulement pour les personnes habilitées aux images du site.")
    )

    class Meta:
        model = Alarm
        fields = [
            "id",
            "site",
            "site_name",
            "commune",
            "device",
            "device_name",
            "category",
            "kind",
            "kind_label",
            "technical_kind",
            "title",
            "priority",
            "priority_label",
            "status",
            "status_label",
            "zone",
            "snapshot_url",
            "first_event_at",
            "last_event_at",
            "event_count",
            "claimed_by",
            "acknowledged_at",
            "verified_at",
            "qualification",
            "false_alarm_cause",
            "closed_at",
            "escalation_level",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_snapshot_url(self, obj: Alarm) -> str | None:
        request = self.context.get("request")
        cache: dict[int, bool] = self.context.setdefault("_images", {})
        if obj.protected_site_id not in cache:
            cache[obj.protected_site_id] = bool(request) and can_view_images(request.user, obj.protected_site)
        return obj.snapshot_url or None if cache[obj.protected_site_id] else None


class EventInSerializer(serializers.Serializer):
    """The generic event a source sends (for the schema; services.ingestion checks it)."""

    id = serializers.CharField(help_text=_("Identifiant de l'événement dans la source (idempotence)."))
    device = serializers.CharField(help_text=_("Identifiant externe de l'équipement dans cette source."))
    kind = serializers.CharField(help_text=_("intrusion, motion, line_crossing, tamper, door_forced…"))
    occurred_at = serializers.DateTimeField(help_text=_("ISO 8601 avec décalage."))
    severity = serializers.CharField(required=False)
    zone = serializers.CharField(required=False)
    snapshot_url = serializers.URLField(required=False)
    data = serializers.DictField(required=False)


class EventResultSerializer(serializers.Serializer):
    """What became of one event."""

    index = serializers.IntegerField()
    id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "duplicate", "error"])
    alarm = serializers.IntegerField(allow_null=True)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class IngestAnswerSerializer(serializers.Serializer):
    """Counts and one result per event, in order."""

    created = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    errors = serializers.IntegerField()
    results = EventResultSerializer(many=True)


def count_results(results: list[Any]) -> dict[str, Any]:
    """The answer to a batch: its counts and its results."""
    counts = {"created": 0, "duplicate": 0, "error": 0}
    for result in results:
        counts[result["status"]] += 1
    return {
        "created": counts["created"],
        "duplicate": counts["duplicate"],
        "errors": counts["error"],
        "results": results,
    }
