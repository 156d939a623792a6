from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    """Members (adhérents), competences, memberships and roles, sites: the tenancy root."""

    name = "mutualis.members"
    label = "members"
    verbose_name = _("Adhérents")
