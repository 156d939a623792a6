"""Protected sites: a member's site under supervision, its préfectoral authorisations and its opening hours."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.supervision import rules
from mutualis.supervision.choices import Weekday


class ProtectedSite(BaseModel):
    """A member's site under electronic supervision, with what the legal frame needs to know about it."""

    member_path = "site__member"

    site = models.OneToOneField(
        "members.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="protection"
    )
    # Collège rules (indoor zones, lieux de vie schedule, no analytics) apply when the site is a collège.
    is_college = models.BooleanField(_("collège"), default=False)
    # Biometric readers are only lawful on premises whose access is restricted to named people.
    restricted_access = models.BooleanField(
        _("locaux à accès restreint"),
        default=False,
        help_text=_("Accès limité à des personnes nommément autorisées (condition des lecteurs biométriques)."),
    )
    signage_installed = models.BooleanField(_("affichage d'information installé"), default=False)
    signage_checked_on = models.DateField(_("affichage vérifié le"), null=True, blank=True)
    # Correlation: events of one device and kind within this window update one alarm.
    correlation_window_seconds = models.PositiveIntegerField(
        _("fenêtre de corrélation (secondes)"),
        default=300,
        validators=[MinValueValidator(10), MaxValueValidator(86400)],
    )
    # Site merge rule: a door forced then motion (or the reverse) within the window is one incident.
    merge_door_forced_motion = models.BooleanField(_("fusionner porte forcée et mouvement"), default=True)
    merge_window_seconds = models.PositiveIntegerField(
        _("fenêtre de fusion (secondes)"), default=120, validators=[MinValueValidator(10), MaxValueValidator(3600)]
    )
    # Camera health: no heartbeat for this long opens a technical alarm.
    heartbeat_timeout_minutes = models.PositiveIntegerField(
        _("délai sans signal de vie (minutes)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    is_active = models.BooleanField(_("supervision active"), default=True)
    notes = models.TextField(_("consignes pour l'opérateur"), blank=True, max_length=5000)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["site__name"]
        verbose_name = _("site protégé")
        verbose_name_plural = _("sites protégés")

    def __str__(self) -> str:
        return str(self.site)

    def current_authorisation(self, day: datetime.date | None = None) -> "Authorisation | None":
        """The authorisation in force on `day` (today by default), the latest one when several."""
        day = day or datetime.date.today()
        for authorisation in self.authorisations.order_by("-valid_from"):
            if rules.authorisation_in_force(
                valid_from=authorisation.valid_from,
                valid_until=authorisation.valid_until,
                revoked_on=authorisation.revoked_on,
                day=day,
            ):
                return authorisation
        return None


class Authorisation(BaseModel):
    """A préfectoral authorisation (arrêté) of the video-protection system of a site (CSI L252-1)."""

    member_path = "protected_site__site__member"

    protected_site = models.ForeignKey(
        ProtectedSite, verbose_name=_("site protégé"), on_delete=models.CASCADE, related_name="authorisations"
    )
    arrete_reference = models.CharField(_("référence de l'arrêté préfectoral"), max_length=100)
    arrete_date = models.DateField(_("date de l'arrêté"))
    prefecture = models.CharField(_("préfecture"), max_length=100, blank=True)
    purposes = models.JSONField(_("finalités"), default=list, blank=True)
    retention_days = models.PositiveSmallIntegerField(
        _("durée de conservation autorisée (jours)"),
        validators=[MinValueValidator(1), MaxValueValidator(rules.MAX_RETENTION_DAYS)],
    )
    covers_public_space = models.BooleanField(_("couvre la voie publique"), default=False)
    camera_count = models.PositiveIntegerField(_("nombre de caméras autorisées"), null=True, blank=True)
    valid_from = models.DateField(_("valable à compter du"))
    valid_until = models.DateField(_("valable jusqu'au"))
    revoked_on = models.DateField(_("retirée le"), null=True, blank=True)
    renewal_requested_on = models.DateField(_("renouvellement demandé le"), null=True, blank=True)
    # The renewal alert (four months before expiry) is sent once.
    renewal_alert_sent_on = models.DateField(_("alerte de renouvellement envoyée le"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["protected_site", "-valid_from"]
        verbose_name = _("autorisation préfectorale")
        verbose_name_plural = _("autorisations préfectorales")
        constraints = [
            models.UniqueConstraint(
                fields=["protected_site", "arrete_reference"],
                name="unique_arrete_per_site",
                violation_error_message=_("Cet arrêté est déjà enregistré pour ce site."),
            )
        ]

    def __str__(self) -> str:
        return self.arrete_reference


class OpeningPeriod(BaseModel):
    """A weekly opening period of a collège: cameras in lieux de vie are off during it."""

    member_path = "protected_site__site__member"

    protected_site = models.ForeignKey(
        ProtectedSite, verbose_name=_("site protégé"), on_delete=models.CASCADE, related_name="opening_periods"
    )
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    opens_at = models.TimeField(_("ouverture"))
    closes_at = models.TimeField(_("fermeture"))

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["protected_site", "weekday", "opens_at"]
        verbose_name = _("horaire d'ouverture")
        verbose_name_plural = _("horaires d'ouverture")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"
