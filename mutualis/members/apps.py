from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    """Members (adhérents), competences, memberships and roles, sites: the tenancy root."""

    name = "mutualis.members"
    label = "members"
    verbose_name = _("Adhérents")

    def ready(self) -> None:
        from mutualis.core.panels import register_commune_panel
        from mutualis.members.panels import commune_members_panel

        register_commune_panel(commune_members_panel, order=10)
