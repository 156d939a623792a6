from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.contributions.choices import YEAR_MAX, YEAR_MIN
from mutualis.core.models import BaseModel
from mutualis.members.choices import Competence


class ContributionRate(BaseModel):
    """The contribution of one competence for one year: an amount per inhabitant, with a floor."""

    year = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)], db_index=True
    )
    competence = models.CharField(_("compétence"), max_length=32, choices=Competence.choices)
    per_inhabitant = models.DecimalField(
        _("montant par habitant (€)"), max_digits=8, decimal_places=4, validators=[MinValueValidator(0)]
    )
    floor = models.DecimalField(_("plancher (€)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fixé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("fixé le"))

    class Meta:
        ordering = ["-year", "competence"]
        verbose_name = _("taux de cotisation")
        verbose_name_plural = _("taux de cotisation")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "competence"],
                name="unique_contribution_rate_per_year",
                violation_error_message=_("Un taux existe déjà pour cette compétence et cette année."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} — {self.get_competence_display()}"
