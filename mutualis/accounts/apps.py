from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """User accounts, operator staff roles, login with throttling and TOTP two-factor authentication."""

    name = "mutualis.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        # The audit journal: what this app's entries mean, in French.
        from mutualis.core import audit_labels

        audit_labels.register_actions(
            {
                "user.create": _("Compte créé"),
                "user.login": _("Connexion"),
                "user.totp_enabled": _("Double authentification activée"),
                "user.totp_reset": _("Double authentification réinitialisée"),
                "user.api_token_regenerated": _("Jeton d'API régénéré"),
                "user.activate": _("Compte activé (premier mot de passe)"),
                "user.password_set": _("Mot de passe défini"),
                "user.update": _("Compte modifié (nom)"),
            },
            group=self.verbose_name,
        )
        audit_labels.register_object_types(["accounts.user"])
        audit_labels.register_detail_labels({"second_factor": _("Second facteur"), "expires_at": _("Expire le")})
