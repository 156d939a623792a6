from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    """Reference geography: départements, communes, EPCI/EPT (INSEE COG). Knows no member."""

    name = "mutualis.territory"
    label = "territory"
    verbose_name = _("Territoire")
