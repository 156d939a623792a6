from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProConnectConfig(AppConfig):
    """« S'identifier avec ProConnect »: the OpenID Connect client of the State's federation, the link between an
    agent's ProConnect identity and their account, the agent's member recognised from their SIRET."""

    name = "mutualis.proconnect"
    label = "proconnect"
    verbose_name = _("ProConnect")

    def ready(self) -> None:
        from mutualis.core import audit_labels

        audit_labels.register_actions(
            {
                "proconnect.login": _("Connexion avec ProConnect"),
                "proconnect.account_create": _("Compte créé à la première connexion ProConnect"),
                "proconnect.link_request": _("Liaison ProConnect demandée (preuve attendue)"),
                "proconnect.link": _("Identité ProConnect liée au compte"),
                "proconnect.refuse": _("Connexion ProConnect refusée"),
                "proconnect.logout": _("Déconnexion ProConnect"),
            },
            group=self.verbose_name,
        )
        audit_labels.register_object_types(["proconnect.proconnectidentity", "proconnect.pendinglink"])
        # A refused login of nobody known yet is recorded against the attempt itself.
        audit_labels.register_object_types({"proconnect.login": _("Connexion ProConnect")})
