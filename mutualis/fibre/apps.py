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

        # Open data: the coverage per commune in the catalogue, and the coverage map on the portal's home.
        from mutualis.fibre.opendata import DATASET, portal_coverage_widget
        from mutualis.opendata.registry import register_dataset, register_portal_widget

        register_dataset(DATASET)
        register_portal_widget(portal_coverage_widget, order=20)

        # The audit journal: what this app's entries mean, in French.
        from mutualis.core import audit_labels

        audit_labels.register_actions(
            {
                "fibre.plan_create": _("Plan de déploiement créé (commune)"),
                "fibre.plan_update": _("Plan de déploiement modifié"),
                "fibre.target_set": _("Objectif annuel fixé"),
                "fibre.target_remove": _("Objectif annuel retiré"),
                "fibre.pm_zone_create": _("Zone PM créée"),
                "fibre.pm_zone_update": _("Zone PM modifiée"),
                "fibre.pm_zone_transition": _("Zone PM : changement d'état"),
                "fibre.import": _("Fichier d'adresses importé"),
            },
            group=self.verbose_name,
        )
