"""Generations in the admin, read-only: the worker writes them."""

from django.contrib import admin

from mutualis.opendata.models import GeneratedFile, Generation


class GeneratedFileInline(admin.TabularInline):
    model = GeneratedFile
    extra = 0
    can_delete = False
    readonly_fields = ["filename", "media_type", "byte_size", "sha256", "rows", "valid", "errors"]
    exclude = ["storage_name"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Generation)
class GenerationAdmin(admin.ModelAdmin):
    list_display = ["dataset", "status", "trigger", "started_at", "duration_ms"]
    list_filter = ["status", "dataset"]
    readonly_fields = ["dataset", "status", "trigger", "started_at", "finished_at", "duration_ms", "errors"]
    inlines = [GeneratedFileInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
