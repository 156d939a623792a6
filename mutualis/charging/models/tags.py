from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from mutualis.charging.choices import IdTagStatus
from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet


class IdTag(BaseModel):
    """An RFID badge (OCPP idTag / idToken) given to a member's holder, with its status and expiry."""

    id_tag = models.CharField(
        _("identifiant du badge"),
        max_length=20,
        help_text=_("L'identifiant lu par la borne (20 caractères au plus, OCPP 1.6 idTag)."),
    )
    member = models.ForeignKey(
        "members.Member", verbose_name=_("adhérent"), on_delete=models.PROTECT, related_name="charging_id_tags"
    )
    holder = models.CharField(_("titulaire"), max_length=200, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=IdTagStatus.choices, default=IdTagStatus.ACCEPTED, db_index=True
    )
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    parent_id_tag = models.CharField(_("badge parent"), max_length=20, blank=True)
    notes = models.TextField(_("observations"), blank=True)
    # The local list version in which this badge last changed: a differential SendLocalList sends the badges
    # changed since the version a charge point confirmed.
    list_version = models.PositiveIntegerField(_("version de liste"), default=1, db_index=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["id_tag"]
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [
            # OCPP 1.6 idTag is a CiString: case-insensitive.
            models.UniqueConstraint(
                Upper("id_tag"),
                name="charging_id_tag_unique_ci",
                violation_error_message=_("Un badge porte déjà cet identifiant."),
            )
        ]

    def __str__(self) -> str:
        return self.id_tag
