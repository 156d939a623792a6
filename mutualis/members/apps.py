from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    """Members (adhérents), competences, memberships and roles, sites: the tenancy root."""

    name = "mutualis.members"
    label = "members"
    verbose_name = _("Adhérents")

    def ready(self) -> None:
        from mutualis.core.panels import register_account_panel, register_commune_panel
        from mutualis.core.scoping import register_member_scope
        from mutualis.members.panels import commune_members_panel
        from mutualis.members.selectors import member_ids_for
        from mutualis.members.views.users import invitations_panel

        register_member_scope(member_ids_for)

        register_commune_panel(commune_members_panel, order=10)
        register_account_panel(invitations_panel, order=10)
