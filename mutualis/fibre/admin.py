"""The fibre data in the Django admin, read-only: the plan changes through the back-office pages and addresses
through imports (services, audit log)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from mutualis.fibre.models import Address, DeploymentPlan, FibreImport, PMZone, YearlyTarget
from mutualis.members.admin import ReadOnlyAdmin


class YearlyTargetInline(admin.TabularInline):
    model = YearlyTarget
    extra = 0
    can_delete = False
    readonly_fields = ("year", "premises")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DeploymentPlan)
class DeploymentPlanAdmin(ReadOnlyAdmin):
    list_display = ("commune", "premises_planned", "contractor")
    search_fields = ("commune__name", "commune__insee_code")
    list_select_related = ("commune",)
    inlines = [YearlyTargetInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DeploymentPlan]:
        return super().get_queryset(request).defer("commune__contour")


@admin.register(PMZone)
class PMZoneAdmin(ReadOnlyAdmin):
    list_display = ("reference", "commune", "state", "premises_planned", "planned_on", "commissioned_on")
    list_filter = ("state",)
    search_fields = ("reference", "commune__name", "commune__insee_code")
    list_select_related = ("commune",)


@admin.register(Address)
class AddressAdmin(ReadOnlyAdmin):
    list_display = ("code", "label", "commune", "dwellings", "business_premises", "state", "pm_zone", "connected_on")
    list_filter = ("state",)
    search_fields = ("code", "hexacle", "ban_id", "label")
    list_select_related = ("commune", "pm_zone")
    list_per_page = 50
    show_full_result_count = False  # a million addresses: no COUNT(*) on every page


@admin.register(FibreImport)
class FibreImportAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "layout", "status", "created_by", "created_at", "lines_read", "rejected_count")
    list_filter = ("layout", "status")
    search_fields = ("file_name", "sha256")
    exclude = ("upload",)
