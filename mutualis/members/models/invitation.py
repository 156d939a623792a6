from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.members.choices import MemberRole


class InvitationStatus(models.TextChoices):
    """Where an invitation of an existing account stands: waiting for its answer, or answered (or withdrawn)."""

    PENDING = "pending", _("En attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")


class MembershipInvitation(BaseModel):
    """An invitation of an account already in use to join a member with a role: the role is only given once the
    account's owner accepts it (see services.memberships.invitation_needs_answer)."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("adhérent"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne invitée"),
        on_delete=models.CASCADE,
        related_name="membership_invitations",
    )
    role = models.CharField(_("rôle"), max_length=16, choices=MemberRole.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invitée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_member",
                violation_error_message=_("Une invitation attend déjà la réponse de cette personne."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.member} ({self.get_role_display()})"

    @property
    def is_pending(self) -> bool:
        """The invitation still waits for its answer."""
        return self.status == InvitationStatus.PENDING
