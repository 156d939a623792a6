from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared building blocks: base model, audit log, abilities, API and UI helpers. Imports no other app."""

    name = "mutualis.core"
    label = "core"
    verbose_name = _("Socle")

    def ready(self) -> None:
        from django.urls import register_converter

        from mutualis.core import bulk, collation  # noqa: F401 - importing bulk registers the `among` lookup
        from mutualis.core.urls_ids import IdConverter

        register_converter(IdConverter, "id")
        collation.connect()
