"""Reference geography in the Django admin: read-only (the data comes from data/territory/ via load_territory)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from mutualis.core.collation import french
from mutualis.territory.models import Commune, Departement, Intercommunality


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Browse only: facts change in the shipped data files, then `manage.py load_territory`."""

    # Reference geography is public: any admin-site user may browse it without a model permission.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return True

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Departement)
class DepartementAdmin(_ReadOnlyAdmin):
    """Départements."""

    list_display = ("code", "name", "siren", "chef_lieu_code")
    search_fields = ("code", "name", "siren")
    exclude = ("contour",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Departement]:
        return super().get_queryset(request).defer("contour")


@admin.register(Intercommunality)
class IntercommunalityAdmin(_ReadOnlyAdmin):
    """EPCI and EPT."""

    list_display = ("name", "kind", "siren", "population")
    ordering = (french("name"), "pk")
    list_filter = ("kind",)
    search_fields = ("name", "siren")


@admin.register(Commune)
class CommuneAdmin(_ReadOnlyAdmin):
    """Communes."""

    list_display = ("name", "insee_code", "departement", "siren", "population", "epci", "ept")
    ordering = (french("name"), "pk")
    list_filter = ("departement", "epci__kind")
    search_fields = ("name", "search_name", "insee_code", "siren")
    list_select_related = ("departement", "epci", "ept")
    exclude = ("contour",)
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Commune]:
        return (
            super()
            .get_queryset(request)
            .select_related("departement", "epci", "ept")
            .defer("contour", "departement__contour")
        )
