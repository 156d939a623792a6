from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """The open-data catalogue the other apps feed (registry), its generated files, DCAT-AP and the citizen portal.

    It registers no audit label: a generation is no one's decision and writes no audit entry (services.py)."""

    name = "mutualis.opendata"
    label = "opendata"
    verbose_name = _("Données ouvertes")
