from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mutualis.contributions.choices import YEAR_MAX, YEAR_MIN, CallStatus
from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.members.choices import Competence


class ContributionCall(BaseModel):
    """A member's contribution call for one year; its lines freeze the rates and populations used."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("adhérent"), on_delete=models.PROTECT, related_name="contribution_calls"
    )
    year = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)], db_index=True
    )
    sequence = models.PositiveIntegerField(_("rang dans l'année"))
    number = models.CharField(_("numéro"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("émis le"))
    # Stored when the call is issued (issue date + the operator's payment delay then in force): a later change of
    # the delay does not move the due date of a document already sent.
    due_date = models.DateField(_("à régler au plus tard le"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émis par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=CallStatus.choices, default=CallStatus.ISSUED, db_index=True
    )
    total = models.DecimalField(_("montant total (€)"), max_digits=12, decimal_places=2)
    cancel_reason = models.TextField(_("motif d'annulation"), blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "number"]
        verbose_name = _("appel de cotisation")
        verbose_name_plural = _("appels de cotisation")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="unique_contribution_call_sequence"),
            # At most one live call per member and year: a new one needs the previous one cancelled.
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=Q(status=CallStatus.ISSUED),
                name="unique_live_contribution_call",
                violation_error_message=_("Cet adhérent a déjà un appel de cotisation émis pour cette année."),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ContributionCallLine(models.Model):
    """One competence of a call, with the population, rate, floor and days it was computed from."""

    member_path = "call__member"

    call = models.ForeignKey(
        ContributionCall, verbose_name=_("appel de cotisation"), on_delete=models.CASCADE, related_name="lines"
    )
    competence = models.CharField(_("compétence"), max_length=32, choices=Competence.choices)
    population = models.PositiveIntegerField(_("population de référence"))
    per_inhabitant = models.DecimalField(_("montant par habitant (€)"), max_digits=8, decimal_places=4)
    floor = models.DecimalField(_("plancher (€)"), max_digits=10, decimal_places=2)
    days_in_force = models.PositiveSmallIntegerField(_("jours d'exercice de la compétence"))
    days_in_year = models.PositiveSmallIntegerField(_("jours de l'année"))
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["call", "competence"]
        verbose_name = _("ligne d'appel de cotisation")
        verbose_name_plural = _("lignes d'appel de cotisation")
        constraints = [models.UniqueConstraint(fields=["call", "competence"], name="unique_call_line_competence")]

    def __str__(self) -> str:
        return f"{self.call} — {self.get_competence_display()}"
