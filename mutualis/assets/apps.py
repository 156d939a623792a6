from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    """The equipment fleet: one asset per delivered serial-numbered item, at a member's site."""

    name = "mutualis.assets"
    label = "assets"
    verbose_name = _("Parc d'équipements")
