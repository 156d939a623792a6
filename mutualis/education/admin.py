from django.contrib import admin

from mutualis.education.models import Establishment
from mutualis.members.admin import ReadOnlyAdmin


@admin.register(Establishment)
class EstablishmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "uai", "kind", "sector", "commune", "member"]
    search_fields = ["name", "uai"]
    list_filter = ["kind", "sector"]
