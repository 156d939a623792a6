"""Members in the Django admin, read-only: every change goes through the services (rules and audit log)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mutualis.core.collation import french
from mutualis.members.models import AdhesionRequest, CompetenceTransfer, Member, Membership, MemberStatusChange, Site


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse only: the back-office pages and the API write through the services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CompetenceInline(admin.TabularInline):
    model = CompetenceTransfer
    extra = 0
    can_delete = False
    readonly_fields = ("competence", "start_date", "end_date", "deliberation_reference")


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "siren", "departement", "status")
    ordering = (french("name"), "pk")
    list_filter = ("status", "kind", "departement")
    search_fields = ("name", "siren", "siret")
    inlines = [CompetenceInline]


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ("name", "member", "kind", "commune", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "address", "member__name")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "member", "role")
    list_filter = ("role",)
    search_fields = ("user__email", "member__name")


@admin.register(MemberStatusChange)
class MemberStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("member", "from_status", "to_status", "acting_user", "at")
    list_filter = ("to_status",)


@admin.register(AdhesionRequest)
class AdhesionRequestAdmin(ReadOnlyAdmin):
    list_display = ("member", "contact_name", "contact_email", "created_at")
    search_fields = ("member__name", "contact_name", "contact_email")
