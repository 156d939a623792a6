from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    """Educational digital services: établissements (UAI), ENT resources and licences, device loans, projects."""

    name = "mutualis.education"
    label = "education"
    verbose_name = _("Numérique éducatif")

    def ready(self) -> None:
        from mutualis.core import audit_labels

        audit_labels.register_actions(
            {
                "education.establishment_create": _("Établissement scolaire créé"),
                "education.establishment_update": _("Établissement scolaire modifié"),
                "education.establishment_import": _("Établissements importés (annuaire de l'éducation)"),
                "education.referent_add": _("Référent d'établissement ajouté"),
                "education.referent_remove": _("Référent d'établissement retiré"),
                "education.resource_create": _("Ressource numérique ajoutée au catalogue"),
                "education.resource_update": _("Ressource numérique modifiée"),
                "education.subscription_create": _("Abonnement à une ressource créé"),
                "education.subscription_update": _("Abonnement à une ressource modifié"),
                "education.assignment_create": _("Licences attribuées"),
                "education.assignment_revoke": _("Licences retirées"),
                "education.publisher_export": _("Attributions exportées pour un éditeur"),
            },
            group=self.verbose_name,
        )
        audit_labels.register_object_types(
            ["education.establishment", "education.resource", "education.subscription", "education.assignment"]
        )
