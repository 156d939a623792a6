from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    """Educational digital services: établissements (UAI), ENT resources and licences, device loans, projects."""

    name = "mutualis.education"
    label = "education"
    verbose_name = _("Numérique éducatif")

    def ready(self) -> None:
        from mutualis.core.panels import register_asset_panel
        from mutualis.education.panels import asset_loans_panel

        register_asset_panel(asset_loans_panel, order=50)

        # Reminders of overdue loans, enqueued daily by `manage.py clock` (core.schedule).
        import datetime

        from mutualis.core.schedule import register_periodic
        from mutualis.education.tasks import remind_overdue_loans

        every = datetime.timedelta(days=1)
        register_periodic(
            "education.overdue_loans", remind_overdue_loans, every=every, label=_("Relance des prêts en retard")
        )

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
                "education.loan_create": _("Équipement prêté"),
                "education.loan_return": _("Retour d'un prêt d'équipement"),
                "education.loan_remind": _("Prêt en retard relancé"),
                "education.inclusion_create": _("Programme inclusion ouvert"),
                "education.campaign_create": _("Campagne de crise ouverte"),
                "education.campaign_beneficiary_add": _("Bénéficiaire ajouté à une campagne de crise"),
                "education.campaign_allocate": _("Équipements attribués (campagne de crise)"),
                "education.campaign_deliver": _("Équipement remis (campagne de crise)"),
                "education.call_create": _("Appel à projets éducatifs ouvert"),
                "education.application_submit": _("Candidature à un projet éducatif déposée"),
                "education.application_decide": _("Décision sur une candidature à un projet éducatif"),
                "education.application_outcome": _("Bilan de fin d'année d'un projet éducatif"),
            },
            group=self.verbose_name,
        )
        audit_labels.register_object_types(
            [
                "education.establishment",
                "education.resource",
                "education.subscription",
                "education.assignment",
                "education.loan",
                "education.inclusionprogramme",
                "education.crisiscampaign",
            ]
        )
