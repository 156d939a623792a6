"""Kinds, sectors and statuses of the education app, with the allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EstablishmentKind(models.TextChoices):
    """The établissements the operator equips: écoles (owned by their commune) and collèges (by the département)."""

    SCHOOL = "ecole", _("École")
    COLLEGE = "college", _("Collège")


class Sector(models.TextChoices):
    """Public or private (under contract) établissement."""

    PUBLIC = "public", _("Public")
    PRIVATE = "prive", _("Privé")
