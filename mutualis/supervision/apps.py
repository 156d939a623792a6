from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Electronic security supervision: protected sites, devices, sources, events → alarms → qualified incidents."""

    name = "mutualis.supervision"
    label = "supervision"
    verbose_name = _("Supervision de sûreté")

    def ready(self) -> None:
        from mutualis.core.panels import register_account_panel, register_asset_panel
        from mutualis.supervision.panels import account_security_panel, asset_supervision_panel

        register_account_panel(account_security_panel, order=40)
        register_asset_panel(asset_supervision_panel, order=30)

        # The audit journal: what this app's entries mean, in French.
        from mutualis.core import audit_labels

        audit_labels.register_actions(
            {
                "supervision.site_protect": _("Site placé sous supervision"),
                "supervision.site_update": _("Site protégé modifié"),
                "supervision.authorisation_create": _("Autorisation préfectorale enregistrée"),
                "supervision.authorisation_update": _("Autorisation préfectorale modifiée"),
                "supervision.opening_set": _("Horaires d'ouverture fixés"),
                "supervision.habilitation_grant": _("Habilitation accordée"),
                "supervision.habilitation_revoke": _("Habilitation retirée"),
                "supervision.device_create": _("Équipement supervisé créé"),
                "supervision.device_update": _("Équipement supervisé modifié"),
                "supervision.device_activate": _("Équipement activé"),
                "supervision.device_deactivate": _("Équipement désactivé"),
                "supervision.device_suspend": _("Supervision d'un équipement suspendue (cadre légal)"),
                "supervision.source_create": _("Source d'événements créée"),
                "supervision.source_update": _("Source d'événements modifiée"),
                "supervision.source_token_rotate": _("Jeton d'une source renouvelé"),
                "supervision.alarm_claim": _("Alarme prise en charge"),
                "supervision.alarm_release": _("Alarme libérée"),
                "supervision.alarm_acknowledge": _("Alarme acquittée"),
                "supervision.alarm_comment": _("Commentaire sur une alarme"),
                "supervision.alarm_hold": _("Alarme mise en attente"),
                "supervision.alarm_resume": _("Alarme reprise"),
                "supervision.alarm_verify": _("Levée de doute"),
                "supervision.alarm_police_call": _("Forces de l'ordre appelées"),
                "supervision.alarm_close": _("Alarme qualifiée et clôturée"),
                "supervision.alarm_escalate": _("Alarme escaladée"),
                "supervision.contact_create": _("Contact d'escalade créé"),
                "supervision.contact_update": _("Contact d'escalade modifié"),
                "supervision.contact_delete": _("Contact d'escalade supprimé"),
                "supervision.priority_set": _("Priorité par nature fixée"),
                "supervision.live_view": _("Images en direct consultées"),
                "supervision.snapshot_view": _("Vignette d'alarme consultée"),
                "supervision.frigate_media_fetch": _("Vignette ou extrait récupéré de Frigate (preuve candidate)"),
            },
            group=self.verbose_name,
        )
        audit_labels.register_object_types(
            [
                "supervision.protectedsite",
                "supervision.authorisation",
                "supervision.habilitation",
                "supervision.device",
                "supervision.eventsource",
                "supervision.alarm",
                "supervision.escalationcontact",
            ]
        )
        from mutualis.supervision import evidence_setup  # evidence, requisitions, register, studies

        evidence_setup.ready(self.verbose_name)
