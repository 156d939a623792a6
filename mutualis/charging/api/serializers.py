"""Serializers of the charging API: stations, charge points (with their live state), sessions, badges, commands."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from mutualis.charging.choices import CommandAction
from mutualis.charging.models import ChargePoint, ChargingSession, Command, Connector, IdTag, Station
from mutualis.charging.selectors.registry import point_state
from mutualis.charging.services.registry import CHARGE_POINT_FIELDS, STATION_FIELDS
from mutualis.core.api import ScopedPrimaryKeyRelatedField
from mutualis.members.models import Member, Site


class ConnectorSerializer(serializers.ModelSerializer):
    """A connector and its OCPP status (connector 0: the whole point)."""

    class Meta:
        model = Connector
        fields = ["evse_id", "connector_id", "status", "error_code", "status_at"]


class ChargePointSerializer(serializers.ModelSerializer):
    """A charge point: registry fields, live state (written by the gateway), connectors."""

    station = ScopedPrimaryKeyRelatedField(Station, help_text=_("Station du point."))
    availability = serializers.SerializerMethodField(
        help_text=_("available, occupied, reserved, out_of_order ou unknown (déconnecté).")
    )
    connectors = ConnectorSerializer(many=True, read_only=True)

    class Meta:
        model = ChargePoint
        fields = [
            "id",
            "station",
            *CHARGE_POINT_FIELDS,
            "availability",
            "is_online",
            "last_seen_at",
            "connected_protocol",
            "vendor",
            "model",
            "firmware_version",
            "local_list_version",
            "connectors",
        ]
        read_only_fields = [
            "is_online",
            "last_seen_at",
            "connected_protocol",
            "vendor",
            "model",
            "firmware_version",
            "local_list_version",
        ]

    def get_availability(self, obj: ChargePoint) -> str:
        return point_state(obj).availability


class ChargePointUpdateSerializer(ChargePointSerializer):
    """A charge point being changed: its station stays."""

    station = serializers.PrimaryKeyRelatedField(read_only=True)


class StationSerializer(serializers.ModelSerializer):
    """A station (IRVE statique fields), its site and the ids of its charge points."""

    site = ScopedPrimaryKeyRelatedField(Site, help_text=_("Site de l'adhérent où se trouve la station."))
    commune = serializers.CharField(source="commune.insee_code", read_only=True, help_text=_("Code INSEE."))
    member = serializers.IntegerField(source="site.member_id", read_only=True)
    charge_points = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Station
        fields = ["id", "site", "member", *[f for f in STATION_FIELDS if f != "commune"], "commune", "charge_points"]


class SessionSerializer(serializers.ModelSerializer):
    """A charging session: where, badge, start and stop, energy, stop reason, reconciliation."""

    station = serializers.IntegerField(source="charge_point.station_id", read_only=True)
    energy_wh = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("Énergie délivrée (Wh)."))

    class Meta:
        model = ChargingSession
        fields = [
            "id",
            "charge_point",
            "station",
            "ocpp_version",
            "transaction_ref",
            "status",
            "id_tag",
            "started_at",
            "stopped_at",
            "meter_start_wh",
            "meter_stop_wh",
            "energy_wh",
            "last_power_w",
            "stop_reason",
            "reconciled",
            "reconciliation_reason",
        ]
        read_only_fields = fields


class IdTagSerializer(serializers.ModelSerializer):
    """A badge of a member."""

    member = ScopedPrimaryKeyRelatedField(Member)

    class Meta:
        model = IdTag
        fields = ["id", "id_tag", "member", "holder", "status", "expires_at", "parent_id_tag", "notes", "list_version"]
        read_only_fields = ["list_version"]


class IdTagUpdateSerializer(IdTagSerializer):
    """A badge being changed: its identifier and member stay."""

    member = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(IdTagSerializer.Meta):
        read_only_fields = ["id_tag", "list_version"]


class CommandSerializer(serializers.ModelSerializer):
    """A command sent to a charge point and, once it came, the point's answer."""

    class Meta:
        model = Command
        fields = [
            "id",
            "charge_point",
            "action",
            "payload",
            "status",
            "result",
            "error",
            "created_at",
            "sent_at",
            "answered_at",
            "expires_at",
        ]
        read_only_fields = fields


class CommandRequestSerializer(serializers.Serializer):
    """A command to send: its OCPP 1.6J action and payload (1.6J field names; checked by the OCPP schema)."""

    action = serializers.ChoiceField(choices=CommandAction.choices)
    payload = serializers.JSONField(default=dict, help_text=_('Paramètres OCPP 1.6J, par exemple {"type": "Soft"}.'))

    def validate_payload(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Les paramètres sont un objet JSON."))
        return value
