from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared building blocks: base model, audit log, abilities, API and UI helpers. Imports no other app."""

    name = "mutualis.core"
    label = "core"
    verbose_name = _("Socle")
