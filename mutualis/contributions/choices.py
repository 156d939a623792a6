"""Statuses of a contribution call, with the allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallStatus(models.TextChoices):
    """A call is issued once; it may be cancelled (with a reason), after which a new call may be issued."""

    ISSUED = "issued", _("Émis")
    CANCELLED = "cancelled", _("Annulé")


CALL_TRANSITIONS: dict[str, set[str]] = {
    CallStatus.ISSUED: {CallStatus.CANCELLED},
    CallStatus.CANCELLED: set(),
}

# Bounds of a contribution year (a rate or call outside them is a typing error).
YEAR_MIN = 2000
YEAR_MAX = 2100
