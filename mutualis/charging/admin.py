"""The charging data in the Django admin, read-only: the registry changes through the back-office pages and the
API, the live state through the OCPP gateway (services, audit log)."""

from django.contrib import admin

from mutualis.charging.models import (
    ChargePoint,
    ChargingProfile,
    ChargingSession,
    Command,
    Connector,
    IdTag,
    MessageLog,
    Reservation,
    Station,
)
from mutualis.members.admin import ReadOnlyAdmin


@admin.register(Station)
class StationAdmin(ReadOnlyAdmin):
    list_display = ("id_station_itinerance", "name", "commune", "site", "implantation", "is_published")
    search_fields = ("id_station_itinerance", "name", "commune__name", "address")
    list_filter = ("implantation", "access_condition", "is_published")
    list_select_related = ("commune", "site")


class ConnectorInline(admin.TabularInline):
    model = Connector
    extra = 0
    can_delete = False
    readonly_fields = ("evse_id", "connector_id", "status", "error_code", "status_at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ChargePoint)
class ChargePointAdmin(ReadOnlyAdmin):
    list_display = ("ocpp_identity", "id_pdc_itinerance", "station", "ocpp_version", "is_online", "last_seen_at")
    search_fields = ("ocpp_identity", "id_pdc_itinerance", "station__name")
    list_filter = ("ocpp_version", "is_online", "is_active")
    list_select_related = ("station",)
    exclude = ("password_hash",)
    inlines = [ConnectorInline]


@admin.register(IdTag)
class IdTagAdmin(ReadOnlyAdmin):
    list_display = ("id_tag", "member", "holder", "status", "expires_at")
    search_fields = ("id_tag", "holder", "member__name")
    list_filter = ("status",)
    list_select_related = ("member",)


@admin.register(ChargingSession)
class ChargingSessionAdmin(ReadOnlyAdmin):
    list_display = (
        "charge_point",
        "transaction_ref",
        "status",
        "started_at",
        "stopped_at",
        "stop_reason",
        "reconciled",
    )
    search_fields = ("charge_point__ocpp_identity", "transaction_ref", "id_tag")
    list_filter = ("status", "reconciled", "ocpp_version")
    list_select_related = ("charge_point",)
    date_hierarchy = "started_at"


@admin.register(Command)
class CommandAdmin(ReadOnlyAdmin):
    list_display = ("charge_point", "action", "status", "created_at", "answered_at", "requested_by")
    list_filter = ("action", "status")
    search_fields = ("charge_point__ocpp_identity",)
    list_select_related = ("charge_point", "requested_by")


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ("charge_point", "connector_id", "id_tag", "expires_at", "status")
    list_filter = ("status",)


@admin.register(ChargingProfile)
class ChargingProfileAdmin(ReadOnlyAdmin):
    list_display = ("station", "limit_kw", "purpose", "is_active", "created_at")
    list_filter = ("is_active",)


@admin.register(MessageLog)
class MessageLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "charge_point", "direction", "kind", "action", "message_id")
    list_filter = ("direction", "kind")
    search_fields = ("charge_point__ocpp_identity", "action", "message_id")
    list_select_related = ("charge_point",)
