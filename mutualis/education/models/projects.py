from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mutualis.assets.choices import AssetKind
from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.education.choices import ApplicationStatus
from mutualis.education.models.establishments import Establishment

SCHOOL_YEAR = RegexValidator(r"^\d{4}-\d{4}$", _("Année scolaire au format 2025-2026."))


class ProjectCall(BaseModel):
    """A call for an inter-departmental educational project of a school year (Robotyc, Défi'Bot…): theme,
    eligible établissements and classes, capacity, dates, and the kit lent to the selected classes."""

    school_year = models.CharField(_("année scolaire"), max_length=9, validators=[SCHOOL_YEAR])
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    theme = models.CharField(_("thème de l'année"), max_length=200, blank=True)
    eligible_classes = models.CharField(
        _("classes éligibles"), max_length=200, blank=True, help_text=_("Par ex. 3e, dont ULIS, UPE2A et SEGPA.")
    )
    eligible_establishments = models.ManyToManyField(
        Establishment,
        verbose_name=_("établissements éligibles"),
        blank=True,
        related_name="+",
        help_text=_("Aucun : tous les collèges des deux départements."),
    )
    capacity = models.PositiveIntegerField(_("classes retenues au plus"), validators=[MinValueValidator(1)])
    opens_on = models.DateField(_("ouverture des candidatures"))
    closes_on = models.DateField(_("clôture des candidatures"))
    starts_on = models.DateField(_("début du projet"))
    ends_on = models.DateField(_("fin du projet"))
    kit_description = models.CharField(_("kit prêté"), max_length=200, blank=True)
    kit_kind = models.CharField(
        _("nature du kit"), max_length=32, choices=AssetKind.choices, default=AssetKind.ROBOT, blank=True
    )

    class Meta:
        ordering = ["-school_year", "title"]
        verbose_name = _("appel à projets éducatifs")
        verbose_name_plural = _("appels à projets éducatifs")
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "title"],
                name="education_call_unique",
                violation_error_message=_("Un appel de ce titre existe déjà pour cette année scolaire."),
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")) & Q(ends_on__gte=F("starts_on")),
                name="education_call_dates",
                violation_error_message=_("Les dates de fin doivent suivre les dates de début."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.school_year})"


class Application(BaseModel):
    """A collège's application for one class to a project call: teacher, motivation, the decision, the outcome."""

    member_path = "establishment__member"

    call = models.ForeignKey(
        ProjectCall, verbose_name=_("appel"), on_delete=models.PROTECT, related_name="applications"
    )
    establishment = models.ForeignKey(
        Establishment, verbose_name=_("collège"), on_delete=models.PROTECT, related_name="applications"
    )
    class_name = models.CharField(_("classe"), max_length=30)
    teacher_name = models.CharField(_("enseignant référent du projet"), max_length=120)
    motivation = models.TextField(_("motivation"))
    status = models.CharField(
        _("statut"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("déposée par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("décision le"), null=True, blank=True)
    decision_note = models.TextField(_("motif de la décision"), blank=True)
    outcome = models.TextField(_("bilan de fin d'année"), blank=True)
    outcome_at = models.DateTimeField(_("bilan le"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["call", "establishment__name", "class_name"]
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "establishment", "class_name"],
                name="education_application_unique",
                violation_error_message=_("Cette classe a déjà candidaté à cet appel."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.call.title} — {self.establishment.name} ({self.class_name})"
