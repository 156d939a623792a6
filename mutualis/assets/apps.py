from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    """The equipment fleet: one asset per delivered serial-numbered item, at a member's site."""

    name = "mutualis.assets"
    label = "assets"
    verbose_name = _("Parc d'équipements")

    def ready(self) -> None:
        # Open data: the equipment delivered per commune in the catalogue.
        from mutualis.assets.opendata import DATASET
        from mutualis.opendata.registry import register_dataset

        register_dataset(DATASET)

        # The audit journal: what this app's entries mean, in French.
        from mutualis.core import audit_labels

        audit_labels.register_actions(
            {
                "asset.transition": _("Statut d'un équipement changé"),
                "asset.move": _("Équipement déplacé"),
            },
            group=self.verbose_name,
        )
        audit_labels.register_object_types(["assets.asset"])
