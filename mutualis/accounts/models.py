from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualis.accounts.choices import StaffRole


class UserManager(BaseUserManager["User"]):
    """Creates users identified by their e-mail address."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("staff_role", StaffRole.ADMINISTRATOR)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: an agent of a member (through memberships) or operator staff (staff_role)."""

    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    staff_role = models.CharField(
        _("rôle à l'opérateur"), max_length=32, choices=StaffRole.choices, blank=True, default=StaffRole.NONE
    )
    is_active = models.BooleanField(_("actif"), default=True)
    notify_by_email = models.BooleanField(
        _("notifications par courriel"),
        default=True,
        help_text=_("Recevoir aussi par courriel les notifications (commande à approuver, alerte de seuil…)."),
    )
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def is_operator_staff(self) -> bool:
        """Operator staff: any staff role. They must use TOTP two-factor authentication."""
        return bool(self.staff_role)

    @property
    def is_staff(self) -> bool:
        """Django admin access: operator administrators only."""
        return self.staff_role == StaffRole.ADMINISTRATOR

    def has_staff_role(self, *roles: str) -> bool:
        """True if the user's staff role is one of `roles` (administrators hold every staff role)."""
        return self.staff_role == StaffRole.ADMINISTRATOR or (bool(self.staff_role) and self.staff_role in roles)


class ApiTokenLimit(models.Model):
    """A shorter life chosen for one API token (`manage.py create_api_token --days`): it stops working at
    `expires_at`, before the account's usual expiry; deleted with its token."""

    token = models.OneToOneField(
        "authtoken.Token", on_delete=models.CASCADE, primary_key=True, related_name="limit", verbose_name=_("jeton")
    )
    expires_at = models.DateTimeField(_("expire le"))

    class Meta:
        verbose_name = _("durée limitée de jeton d'API")
        verbose_name_plural = _("durées limitées de jetons d'API")

    def __str__(self) -> str:
        return f"{self.token_id[:6]}… → {self.expires_at:%d/%m/%Y}"


class UserSession(models.Model):
    """Where an account is signed in: one row per session (keyed on its session key), written at login, its last
    activity refreshed at most once a minute, removed at logout or when the account closes it (« Mes sessions »)."""

    session_key = models.CharField(_("clé de session"), max_length=40, unique=True)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="signed_in_sessions", verbose_name=_("utilisateur")
    )
    user_agent = models.CharField(_("navigateur (user agent)"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("connecté le"), default=timezone.now)
    last_activity = models.DateTimeField(_("dernière activité"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)

    class Meta:
        ordering = ["-last_activity"]
        verbose_name = _("session ouverte")
        verbose_name_plural = _("sessions ouvertes")

    def __str__(self) -> str:
        return f"{self.user} — {self.last_activity:%d/%m/%Y %H:%M}"
