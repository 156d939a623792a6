from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet


class JoinRequestStatus(models.TextChoices):
    """Where an agent's request to join a member stands: waiting for a manager, approved or refused."""

    PENDING = "pending", _("En attente d'approbation")
    APPROVED = "approved", _("Approuvée")
    REFUSED = "refused", _("Refusée")


class MembershipRequest(BaseModel):
    """An account asks to become a user of a member (an agent recognised by ProConnect from their SIRET): it holds
    no role, and sees none of the member's data, until one of the member's managers approves it."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("adhérent"), on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("demandeur"), on_delete=models.CASCADE, related_name="join_requests"
    )
    origin = models.CharField(_("origine"), max_length=32, blank=True, help_text=_("Par ex. « proconnect »."))
    status = models.CharField(
        _("statut"), max_length=16, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("demande de rattachement")
        verbose_name_plural = _("demandes de rattachement")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request_per_member",
                violation_error_message=_("Une demande de rattachement attend déjà l'approbation du gestionnaire."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.member} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        """The request still waits for a manager's decision."""
        return self.status == JoinRequestStatus.PENDING
