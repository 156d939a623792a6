from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FibreConfig(AppConfig):
    """FTTH deployment: plan per commune, PM zones, addresses from operator files, imports, progress and coverage."""

    name = "mutualis.fibre"
    label = "fibre"
    verbose_name = _("Très haut débit (fibre)")

    def ready(self) -> None:
        from mutualis.core.panels import register_commune_panel
        from mutualis.fibre.panels import commune_fibre_panel

        register_commune_panel(commune_fibre_panel, order=40)
