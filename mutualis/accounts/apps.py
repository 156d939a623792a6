from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """User accounts, operator staff roles, login with throttling and TOTP two-factor authentication."""

    name = "mutualis.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from mutualis.accounts import signals

        # « Mes sessions »: a login records its session, a logout forgets it.
        user_logged_in.connect(signals.on_user_logged_in, dispatch_uid="accounts.session_opened")
        user_logged_out.connect(signals.on_user_logged_out, dispatch_uid="accounts.session_closed")

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
                "user.password_reset_requested": _("Mot de passe oublié : lien demandé"),
                "user.password_reset": _("Mot de passe réinitialisé (lien « Mot de passe oublié ? »)"),
                "user.password_changed": _("Mot de passe changé (« Mon compte »)"),
                "user.sessions_closed": _("Autres sessions déconnectées"),
                "user.recovery_codes_generated": _("Codes de secours générés"),
                "user.recovery_code_used": _("Connexion avec un code de secours"),
            },
            group=self.verbose_name,
        )
        audit_labels.register_object_types(["accounts.user"])
        audit_labels.register_detail_labels(
            {
                "second_factor": _("Second facteur"),
                "expires_at": _("Expire le"),
                "account_found": _("Compte trouvé"),
                "sessions_closed": _("Sessions fermées"),
                "recovery_codes": _("Codes de secours"),
                "recovery_codes_left": _("Codes de secours restants"),
            }
        )
