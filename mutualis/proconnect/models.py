from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from mutualis.core.models import BaseModel


class ProConnectIdentity(BaseModel):
    """An agent's ProConnect identity (`sub` at one identity provider `idp_id`) linked to their account: the same
    agent may come through several providers, each giving another `sub`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        related_name="proconnect_identities",
    )
    idp_id = models.CharField(_("fournisseur d'identité (idp_id)"), max_length=255)
    sub = models.CharField(_("identifiant ProConnect (sub)"), max_length=255)
    email = models.EmailField(_("adresse électronique ProConnect"))
    siret = models.CharField(_("SIRET déclaré"), max_length=14, blank=True)
    last_login_at = models.DateTimeField(_("dernière connexion"), null=True, blank=True)

    class Meta:
        ordering = ["-last_login_at", "-pk"]
        verbose_name = _("identité ProConnect")
        verbose_name_plural = _("identités ProConnect")
        constraints = [
            models.UniqueConstraint(
                fields=["idp_id", "sub"],
                name="one_account_per_proconnect_identity",
                violation_error_message=_("Cette identité ProConnect est déjà liée à un compte."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.idp_id})"


class PendingLink(BaseModel):
    """A ProConnect identity whose e-mail is a local account's: it is linked only once the account's owner proves
    it is theirs (a login with their password, or the one-use link e-mailed to them), never silently."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="+"
    )
    idp_id = models.CharField(_("fournisseur d'identité (idp_id)"), max_length=255)
    sub = models.CharField(_("identifiant ProConnect (sub)"), max_length=255)
    email = models.EmailField(_("adresse électronique ProConnect"))
    siret = models.CharField(_("SIRET déclaré"), max_length=14, blank=True)
    # The e-mailed link carries a random secret; only its SHA-256 is stored.
    token_hash = models.CharField(_("empreinte du lien"), max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField(_("expire le"))
    used_at = models.DateTimeField(_("utilisée le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("liaison ProConnect en attente")
        verbose_name_plural = _("liaisons ProConnect en attente")

    def __str__(self) -> str:
        return f"{self.email} → {self.user}"

    @property
    def is_usable(self) -> bool:
        """Not used yet and not expired."""
        return self.used_at is None and self.expires_at > timezone.now()


class ProConnectMfaDevice(Device):
    """The session's second factor when ProConnect's ID token says (`amr`) that the identity provider already did
    multi-factor authentication: django-otp then counts the session as verified. It verifies no code itself."""

    # No reverse accessor on the user: accounts knows nothing of ProConnect.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("double authentification ProConnect")
        verbose_name_plural = _("doubles authentifications ProConnect")

    def verify_token(self, token: object) -> bool:
        return False
