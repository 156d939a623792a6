from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChargingConfig(AppConfig):
    """EV charging: IRVE stations and charge points, the OCPP 1.6J / 2.0.1 gateway, sessions, commands, badges."""

    name = "mutualis.charging"
    label = "charging"
    verbose_name = _("Recharge de véhicules électriques")

    def ready(self) -> None:
        from mutualis.charging.panels import asset_charging_panel, commune_charging_panel
        from mutualis.core.panels import register_asset_panel, register_commune_panel

        register_asset_panel(asset_charging_panel, order=30)
        register_commune_panel(commune_charging_panel, order=50)

        # Open data: IRVE statique and dynamique in the catalogue, and the live map on the portal's home.
        from mutualis.charging.opendata import IRVE_DYNAMIQUE, IRVE_STATIQUE, portal_charging_widget
        from mutualis.opendata.registry import register_dataset, register_portal_widget

        register_dataset(IRVE_STATIQUE)
        register_dataset(IRVE_DYNAMIQUE)
        register_portal_widget(portal_charging_widget, order=10)

        # Each gateway runs the whole maintenance every 30 s; the clock also sweeps offline the points no gateway
        # vouches for, so that the state is true when no gateway runs at all.
        import datetime

        from mutualis.charging.tasks import offline_sweep
        from mutualis.core.schedule import register_periodic

        every = datetime.timedelta(seconds=30)
        register_periodic("charging.offline_sweep", offline_sweep, every=every, label=_("Bornes muettes hors ligne"))

        # The audit journal: what this app's entries mean, in French.
        from mutualis.core import audit_labels

        audit_labels.register_actions(
            {
                "charging.station_create": _("Station de recharge créée"),
                "charging.station_update": _("Station de recharge modifiée"),
                "charging.charge_point_create": _("Point de recharge créé"),
                "charging.charge_point_update": _("Point de recharge modifié"),
                "charging.charge_point_password": _("Mot de passe OCPP d'un point de recharge changé"),
                "charging.id_tag_create": _("Badge de recharge créé"),
                "charging.id_tag_update": _("Badge de recharge modifié"),
                "charging.command_request": _("Commande envoyée à une borne"),
                "charging.power_cap_set": _("Limite de puissance d'une station fixée"),
                "charging.power_cap_clear": _("Limite de puissance d'une station levée"),
                "charging.session_reconcile": _("Session de charge rattrapée"),
            },
            group=self.verbose_name,
        )
        audit_labels.register_object_types(
            [
                "charging.station",
                "charging.chargepoint",
                "charging.idtag",
                "charging.command",
                "charging.chargingprofile",
                "charging.chargingsession",
            ]
        )
