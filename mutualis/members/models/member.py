import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.members.choices import Competence, EstablishmentType, MemberKind, MemberStatus
from mutualis.members.validators import validate_siren, validate_siret, validate_uai
from mutualis.territory.models import Commune, Departement, Intercommunality


class Member(BaseModel):
    """An adhérent: a public body that joined the operator and transferred some competences to it."""

    member_path = "pk"

    name = models.CharField(_("dénomination"), max_length=200)
    kind = models.CharField(_("nature"), max_length=32, choices=MemberKind.choices)
    establishment_type = models.CharField(
        _("type d'établissement"), max_length=16, choices=EstablishmentType.choices, blank=True, default=""
    )
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        unique=True,
        validators=[validate_siren],
        error_messages={"unique": _("Un adhérent avec ce SIREN existe déjà.")},
    )
    siret = models.CharField(_("SIRET du siège"), max_length=14, blank=True, validators=[validate_siret])
    uai = models.CharField(
        _("code UAI"), max_length=8, blank=True, validators=[validate_uai], help_text=_("Établissements scolaires")
    )
    departement = models.ForeignKey(
        Departement, verbose_name=_("département"), on_delete=models.PROTECT, related_name="members"
    )
    communes = models.ManyToManyField(Commune, verbose_name=_("communes"), related_name="members", blank=True)
    intercommunality = models.ForeignKey(
        Intercommunality,
        verbose_name=_("EPCI / EPT"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("L'EPCI ou l'EPT lui-même pour un membre de cette nature ; sinon celui de rattachement."),
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=MemberStatus.choices,
        default=MemberStatus.REQUESTED,
        db_index=True,
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    email = models.EmailField(_("courriel de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    deliberation_reference = models.CharField(_("référence de la délibération d'adhésion"), max_length=100, blank=True)
    deliberation_date = models.DateField(_("date de la délibération d'adhésion"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approuvé le"), null=True, blank=True)
    activated_at = models.DateTimeField(_("actif depuis"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("adhérent")
        verbose_name_plural = _("adhérents")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        """True while the member's adhésion is in force."""
        return self.status == MemberStatus.ACTIVE


class MemberStatusChange(models.Model):
    """One step of a member's adhésion workflow: who moved it, when, why."""

    member = models.ForeignKey(
        Member, verbose_name=_("adhérent"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("statut précédent"), max_length=16, choices=MemberStatus.choices, blank=True)
    to_status = models.CharField(_("nouveau statut"), max_length=16, choices=MemberStatus.choices)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("le"), auto_now_add=True)
    effective_date = models.DateField(_("date d'effet"), null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    deliberation_reference = models.CharField(_("référence de délibération"), max_length=100, blank=True)
    deliberation_date = models.DateField(_("date de délibération"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("étape d'adhésion")
        verbose_name_plural = _("étapes d'adhésion")

    def __str__(self) -> str:
        return f"{self.member} : {self.from_status} → {self.to_status}"


class CompetenceTransferQuerySet(TenantQuerySet):
    """Queries on competence transfers by date."""

    def active_on(self, day: datetime.date) -> "CompetenceTransferQuerySet":
        """Transfers in force on `day` (started, not yet ended)."""
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


class CompetenceTransfer(BaseModel):
    """A competence a member transferred to the operator, from a start date to an optional end date."""

    member = models.ForeignKey(Member, verbose_name=_("adhérent"), on_delete=models.CASCADE, related_name="competences")
    competence = models.CharField(_("compétence"), max_length=32, choices=Competence.choices)
    start_date = models.DateField(_("date de début"))
    end_date = models.DateField(_("date de fin"), null=True, blank=True)
    deliberation_reference = models.CharField(_("référence de délibération"), max_length=100, blank=True)

    objects = CompetenceTransferQuerySet.as_manager()

    class Meta:
        ordering = ["competence", "start_date"]
        verbose_name = _("transfert de compétence")
        verbose_name_plural = _("transferts de compétences")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="competence_end_after_start",
                violation_error_message=_("La date de fin doit suivre la date de début."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_competence_display()}"
