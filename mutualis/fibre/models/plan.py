import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.fibre.choices import PMZoneState
from mutualis.territory.models import Commune

FIRST_YEAR, LAST_YEAR = 2015, 2040


class DeploymentPlan(BaseModel):
    """The FTTH deployment planned in one commune: premises to serve, the contractor building them."""

    commune = models.OneToOneField(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="fibre_plan"
    )
    premises_planned = models.PositiveIntegerField(
        _("locaux à desservir"),
        help_text=_("Logements et locaux professionnels que le réseau doit rendre raccordables."),
    )
    contractor = models.CharField(_("titulaire du marché"), max_length=200, blank=True)
    notes = models.TextField(_("observations"), blank=True)

    class Meta:
        verbose_name = _("plan de déploiement")
        verbose_name_plural = _("plans de déploiement")

    def __str__(self) -> str:
        return str(_("Plan de déploiement — %(commune)s") % {"commune": self.commune.name})


class YearlyTarget(BaseModel):
    """How many premises the plan makes connectable during one calendar year."""

    plan = models.ForeignKey(DeploymentPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    premises = models.PositiveIntegerField(_("locaux rendus raccordables dans l'année"))

    class Meta:
        ordering = ["plan", "year"]
        verbose_name = _("objectif annuel")
        verbose_name_plural = _("objectifs annuels")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year"],
                name="fibre_target_one_per_year",
                violation_error_message=_("Cette année a déjà un objectif."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.commune.name} {self.year} : {self.premises}"


class PMZone(BaseModel):
    """A PM zone (zone arrière d'un point de mutualisation): the premises served from one PM, and its commissioning."""

    reference = models.CharField(
        _("référence du PM"),
        max_length=100,
        unique=True,
        help_text=_("ReferencePM (IPE) ou zs_code (GraceTHD)."),
        error_messages={"unique": _("Une zone PM porte déjà cette référence.")},
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="fibre_pm_zones"
    )
    state = models.CharField(
        _("état"), max_length=16, choices=PMZoneState.choices, default=PMZoneState.PLANNED, db_index=True
    )
    premises_planned = models.PositiveIntegerField(_("locaux de la zone"), default=0)
    planned_on = models.DateField(_("mise en service prévue le"))
    commissioned_on = models.DateField(_("mise en service le"), null=True, blank=True)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("zone PM")
        verbose_name_plural = _("zones PM")
        constraints = [
            models.CheckConstraint(
                condition=(Q(state=PMZoneState.COMMISSIONED) & Q(commissioned_on__isnull=False))
                | (~Q(state=PMZoneState.COMMISSIONED) & Q(commissioned_on__isnull=True)),
                name="fibre_pm_commissioned_has_date",
                violation_error_message=_("Une zone PM mise en service a une date de mise en service, et elle seule."),
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def is_late(self, day: datetime.date) -> bool:
        """Past its planned commissioning date on `day` without being commissioned (an abandoned PM is not late)."""
        return self.state in {PMZoneState.PLANNED, PMZoneState.IN_PROGRESS} and self.planned_on < day

    def days_late(self, day: datetime.date) -> int:
        """How many days past its planned date, on `day` (0 when not late)."""
        return (day - self.planned_on).days if self.is_late(day) else 0
