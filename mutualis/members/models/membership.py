from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.members.choices import MemberRole


class Membership(BaseModel):
    """A user's role within a member (reader, agent, manager). A user may belong to several members."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    member = models.ForeignKey(
        "members.Member", verbose_name=_("adhérent"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=16, choices=MemberRole.choices, default=MemberRole.READER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invité par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["member", "user"]
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "member"],
                name="unique_membership",
                violation_error_message=_("Cet utilisateur fait déjà partie de cet adhérent."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.member} ({self.get_role_display()})"
