"""Habilitations: the named people allowed to see a protected site's images and alarms."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.supervision.choices import HabilitationKind


class Habilitation(BaseModel):
    """A named user habilitated for one protected site, with the agrément that may expire (CSI L252-2)."""

    member_path = "protected_site__site__member"

    protected_site = models.ForeignKey(
        "supervision.ProtectedSite",
        verbose_name=_("site protégé"),
        on_delete=models.CASCADE,
        related_name="habilitations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne habilitée"),
        on_delete=models.CASCADE,
        related_name="supervision_habilitations",
    )
    kind = models.CharField(_("qualité"), max_length=24, choices=HabilitationKind.choices)
    # Municipal police and mayors: the commune they act for; only that commune's sites may be habilitated.
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune de rattachement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    can_view_images = models.BooleanField(_("accès aux images"), default=True)
    agrement_reference = models.CharField(_("référence de l'agrément"), max_length=100, blank=True)
    agrement_expires_on = models.DateField(_("agrément valable jusqu'au"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accordée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("retirée le"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["protected_site", "user__last_name", "user__first_name"]
        verbose_name = _("habilitation")
        verbose_name_plural = _("habilitations")
        constraints = [
            models.UniqueConstraint(
                fields=["protected_site", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="unique_open_habilitation",
                violation_error_message=_("Cette personne est déjà habilitée pour ce site."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.protected_site}"
