from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """The open-data catalogue the other apps feed (registry), its generated files, DCAT-AP and the citizen portal.

    It registers no audit label: a generation is no one's decision and writes no audit entry (services.py)."""

    name = "mutualis.opendata"
    label = "opendata"
    verbose_name = _("Données ouvertes")

    def ready(self) -> None:
        # The periodic refresh of the catalogue, enqueued by `manage.py clock` (core.schedule).
        import datetime

        from django.conf import settings

        from mutualis.core.schedule import register_periodic
        from mutualis.opendata.tasks import refresh_catalogue

        every = datetime.timedelta(minutes=settings.OPENDATA_REFRESH_MINUTES)
        register_periodic(
            "opendata.refresh", refresh_catalogue, every=every, label=_("Génération des jeux de données dus")
        )
