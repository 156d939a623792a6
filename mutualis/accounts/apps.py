from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """User accounts, operator staff roles, login with throttling and TOTP two-factor authentication."""

    name = "mutualis.accounts"
    label = "accounts"
    verbose_name = _("Comptes")
