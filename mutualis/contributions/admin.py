from django.contrib import admin

from mutualis.contributions.models import ContributionCall, ContributionCallLine, ContributionRate


@admin.register(ContributionRate)
class ContributionRateAdmin(admin.ModelAdmin):
    """Read-only: rates are set through the rate page so that every change is audited."""

    list_display = ["year", "competence", "per_inhabitant", "floor", "set_by", "set_at"]
    list_filter = ["year", "competence"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ContributionCallLineInline(admin.TabularInline):
    model = ContributionCallLine
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ContributionCall)
class ContributionCallAdmin(admin.ModelAdmin):
    """Read-only: calls are issued and cancelled through their services (audited)."""

    list_display = ["number", "member", "year", "status", "total", "issued_at"]
    list_filter = ["year", "status"]
    search_fields = ["number", "member__name", "member__siren"]
    inlines = [ContributionCallLineInline]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
