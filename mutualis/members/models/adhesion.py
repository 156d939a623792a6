from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.members.choices import Competence
from mutualis.members.models.member import Member


def validate_competence_list(value: Any) -> None:
    """A list of known competence codes (Competence)."""
    if not isinstance(value, list) or any(item not in Competence.values for item in value):
        raise ValidationError(_("Choisissez des compétences dans la liste proposée."), code="competences")


class AdhesionRequest(BaseModel):
    """An adhésion request made online: who asked, for which competences, with what message (for staff to follow)."""

    member = models.ForeignKey(
        Member, verbose_name=_("adhérent"), on_delete=models.CASCADE, related_name="adhesion_requests"
    )
    contact_name = models.CharField(_("nom du demandeur"), max_length=150)
    contact_function = models.CharField(_("fonction du demandeur"), max_length=150)
    contact_email = models.EmailField(_("courriel du demandeur"))
    contact_phone = models.CharField(_("téléphone du demandeur"), max_length=20, blank=True)
    competences = models.JSONField(
        _("compétences souhaitées"), default=list, blank=True, validators=[validate_competence_list]
    )
    message = models.TextField(_("message"), blank=True, max_length=5000)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("demande d'adhésion en ligne")
        verbose_name_plural = _("demandes d'adhésion en ligne")

    def __str__(self) -> str:
        return f"{self.member} — {self.contact_name}"

    def competence_labels(self) -> list[str]:
        """The wished competences, by their French names, in the order of the Competence choices."""
        labels = dict(Competence.choices)
        return [str(labels[code]) for code in Competence.values if code in self.competences]
