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
                "supervision.live_view_end": _("Fin d'un visionnage en direct"),
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

        # Periodic checks, enqueued by `manage.py clock` (core.schedule) and run by the worker.
        import datetime

        from config.env import envint
        from mutualis.core.schedule import register_periodic
        from mutualis.supervision import tasks, tasks_evidence

        tick = datetime.timedelta(seconds=envint("SUPERVISION_TICK_SECONDS", "30"))
        minute, hour = datetime.timedelta(minutes=1), datetime.timedelta(hours=1)
        for name, task, every, label in (
            ("escalation", tasks.escalate_alarms, tick, _("Escalade des alarmes non acquittées")),
            (
                "legal_frame",
                tasks.refresh_legal_frame,
                minute,
                _("Cadre légal des équipements (autorisation, horaires)"),
            ),
            ("camera_health", tasks.check_camera_health, minute, _("Santé des caméras (signaux de vie)")),
            ("renewal_alerts", tasks.renewal_alerts, hour, _("Alertes de renouvellement des autorisations")),
            ("anomalies", tasks.detect_anomalies, hour, _("Détection d'activité anormale")),
            ("evidence_retention", tasks_evidence.evidence_retention, hour, _("Destruction des images échues")),
        ):
            register_periodic(f"supervision.{name}", task, every=every, label=label)
