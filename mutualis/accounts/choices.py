from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    """Roles of the operator's own staff (members' users have none)."""

    NONE = "", _("Aucun (utilisateur d'un adhérent)")
    ADMINISTRATOR = "administrator", _("Administrateur")
    PURCHASING_OFFICER = "purchasing_officer", _("Acheteur (centrale d'achat)")
    EDUCATION_OFFICER = "education_officer", _("Chargé du numérique éducatif")
    SUPERVISION_OPERATOR = "supervision_operator", _("Opérateur de supervision")
    NETWORK_OFFICER = "network_officer", _("Chargé des réseaux")
