from django.db import models
from django.utils.translation import gettext_lazy as _


class IntercommunalityKind(models.TextChoices):
    """Legal forms of EPCI à fiscalité propre, plus the EPT of the Métropole du Grand Paris."""

    CC = "CC", _("Communauté de communes")
    CA = "CA", _("Communauté d'agglomération")
    CU = "CU", _("Communauté urbaine")
    METRO = "METRO", _("Métropole")
    EPT = "EPT", _("Établissement public territorial")
