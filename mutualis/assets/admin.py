"""Assets in the Django admin, read-only: every change goes through the services (history and audit log)."""

from django.contrib import admin

from mutualis.assets.models import Asset, AssetEvent
from mutualis.members.admin import ReadOnlyAdmin


class AssetEventInline(admin.TabularInline):
    model = AssetEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "kind", "from_status", "to_status", "site", "acting_user", "note")

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdmin):
    list_display = ("serial_number", "designation", "kind", "member", "site", "status", "warranty_end")
    list_filter = ("status", "kind")
    search_fields = ("serial_number", "designation", "manufacturer", "reference")
    inlines = [AssetEventInline]
