"""Masked copies: a recording of an access request's export with the third parties hidden (services/masking.py).
The original is never altered — it may be on legal hold and its SHA-256 is in the chain of custody — so each copy
is a new file with its own digest, linked to its original and to the request it answers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet


class MaskStyle(models.TextChoices):
    """How a region is hidden: both leave nothing to recover (see services/masking.py)."""

    FILL = "fill", _("Aplat opaque")
    PIXELATE = "pixelate", _("Pixelisation forte (images fixes)")


class MaskStatus(models.TextChoices):
    """A video is masked by the worker (it may take minutes); a still at once."""

    PENDING = "pending", _("occultation en cours")
    READY = "ready", _("prête")
    FAILED = "failed", _("échec")


class MaskedCopy(BaseModel):
    """A recording with regions masked for third parties, handed over instead of the original (CSI L253-5)."""

    member_path = "access_request__protected_site__site__member"

    access_request = models.ForeignKey(
        "supervision.AccessRequest",
        verbose_name=_("demande d'accès"),
        on_delete=models.CASCADE,
        related_name="masked_copies",
    )
    # SET_NULL: the retention destroys the original once the request is answered; the copy keeps its digest.
    recording = models.ForeignKey(
        "supervision.Recording",
        verbose_name=_("enregistrement d'origine"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="masked_copies",
    )
    status = models.CharField(_("état"), max_length=16, choices=MaskStatus.choices, default=MaskStatus.READY)
    error = models.TextField(_("erreur"), blank=True)
    # Empty while the worker masks a video (status pending).
    file = models.FileField(_("fichier occulté"), upload_to="supervision/masked/%Y/%m/%d/", max_length=255, blank=True)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    source_sha256 = models.CharField(_("empreinte de l'original"), max_length=64)
    regions = models.JSONField(_("zones occultées"), default=list)
    style = models.CharField(_("occultation"), max_length=16, choices=MaskStyle.choices, default=MaskStyle.FILL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("occulté par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["access_request", "recording", "pk"]
        verbose_name = _("copie occultée")
        verbose_name_plural = _("copies occultées")
        constraints = [
            models.UniqueConstraint(
                fields=["access_request", "recording"],
                name="unique_masked_copy_per_recording",
                violation_error_message=_("Cet enregistrement a déjà sa copie occultée pour cette demande."),
            )
        ]

    def __str__(self) -> str:
        return self.filename
