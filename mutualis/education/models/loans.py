from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mutualis.assets.choices import AssetKind
from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.education.choices import BeneficiaryKind, CampaignStatus, Condition, LoanStatus
from mutualis.education.models.establishments import Establishment
from mutualis.members.models import Member, Site


class InclusionProgramme(BaseModel):
    """A département's inclusion programme for a school year: a laptop for every pupil with a recognised
    disability in its collèges."""

    member = models.ForeignKey(
        Member, verbose_name=_("département"), on_delete=models.PROTECT, related_name="inclusion_programmes"
    )
    school_year = models.CharField(_("année scolaire"), max_length=9, help_text=_("Par ex. 2025-2026."))
    title = models.CharField(_("intitulé"), max_length=200)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-school_year", "title"]
        verbose_name = _("programme inclusion")
        verbose_name_plural = _("programmes inclusion")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "school_year"],
                name="education_inclusion_one_per_year",
                violation_error_message=_("Ce département a déjà un programme inclusion pour cette année scolaire."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.school_year})"


class CrisisCampaign(BaseModel):
    """A crisis campaign: N devices of one kind lent at once to a list of beneficiaries, delivered per site."""

    member = models.ForeignKey(
        Member, verbose_name=_("adhérent prêteur"), on_delete=models.PROTECT, related_name="crisis_campaigns"
    )
    title = models.CharField(_("intitulé"), max_length=200)
    asset_kind = models.CharField(
        _("nature des équipements"), max_length=32, choices=AssetKind.choices, default=AssetKind.TABLET
    )
    quantity = models.PositiveIntegerField(_("équipements à attribuer"), validators=[MinValueValidator(1)])
    starts_on = models.DateField(_("début des prêts"))
    due_on = models.DateField(_("retour prévu"))
    status = models.CharField(_("statut"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.OPEN)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("campagne de crise")
        verbose_name_plural = _("campagnes de crise")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("starts_on")),
                name="education_campaign_period",
                violation_error_message=_("Le retour prévu doit suivre le début des prêts."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Loan(BaseModel):
    """An asset lent to a beneficiary: agreement, dates, condition out and back, deposit. One ongoing loan per
    asset (the constraint, and the asset's row lock in the service)."""

    member_path = "asset__member"

    asset = models.ForeignKey(
        "assets.Asset", verbose_name=_("équipement"), on_delete=models.PROTECT, related_name="education_loans"
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("établissement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loans",
    )
    beneficiary_kind = models.CharField(_("emprunteur"), max_length=16, choices=BeneficiaryKind.choices)
    beneficiary_reference = models.CharField(
        _("référence de l'emprunteur"),
        max_length=100,
        help_text=_("Pseudonyme d'un élève, d'un enfant ou d'un résident ; nom d'un enseignant ; code d'une classe."),
    )
    beneficiary_member = models.ForeignKey(
        Member,
        verbose_name=_("adhérent de l'emprunteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="education_borrowed_loans",
        help_text=_("Le département (aide sociale à l'enfance) ou l'EHPAD qui reçoit le prêt pour la personne."),
    )
    starts_on = models.DateField(_("début du prêt"))
    due_on = models.DateField(_("retour prévu"))
    returned_on = models.DateField(_("rendu le"), null=True, blank=True)
    condition_out = models.CharField(
        _("état au départ"), max_length=8, choices=Condition.choices, default=Condition.GOOD
    )
    condition_back = models.CharField(_("état au retour"), max_length=8, choices=Condition.choices, blank=True)
    deposit = models.DecimalField(
        _("caution"), max_digits=8, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    status = models.CharField(
        _("statut"), max_length=8, choices=LoanStatus.choices, default=LoanStatus.ONGOING, db_index=True
    )
    note = models.TextField(_("observations"), blank=True)
    programme = models.ForeignKey(
        InclusionProgramme,
        verbose_name=_("programme inclusion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loans",
    )
    campaign = models.ForeignKey(
        CrisisCampaign,
        verbose_name=_("campagne de crise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loans",
    )
    application = models.ForeignKey(
        "education.Application",
        verbose_name=_("projet éducatif"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kit_loans",
    )
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prêté par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retour reçu par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminded_on = models.DateField(_("dernière relance"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("prêt d'équipement")
        verbose_name_plural = _("prêts d'équipements")
        constraints = [
            models.UniqueConstraint(
                fields=["asset"],
                condition=Q(status=LoanStatus.ONGOING),
                name="education_loan_one_ongoing_per_asset",
                violation_error_message=_("Cet équipement est déjà prêté."),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("starts_on")),
                name="education_loan_period",
                violation_error_message=_("Le retour prévu doit suivre le début du prêt."),
            ),
        ]

    def __str__(self) -> str:
        return f"Prêt n° {self.pk} — {self.asset}"


class CampaignBeneficiary(BaseModel):
    """One person of a crisis campaign's list, the site where their device is handed over, and their loan."""

    member_path = "campaign__member"

    campaign = models.ForeignKey(
        CrisisCampaign, verbose_name=_("campagne"), on_delete=models.CASCADE, related_name="beneficiaries"
    )
    kind = models.CharField(_("emprunteur"), max_length=16, choices=BeneficiaryKind.choices)
    reference = models.CharField(_("pseudonyme"), max_length=100)
    beneficiary_member = models.ForeignKey(
        Member,
        verbose_name=_("adhérent de l'emprunteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("établissement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    site = models.ForeignKey(Site, verbose_name=_("site de remise"), on_delete=models.PROTECT, related_name="+")
    loan = models.OneToOneField(
        Loan, verbose_name=_("prêt"), null=True, blank=True, on_delete=models.SET_NULL, related_name="campaign_line"
    )
    delivered_on = models.DateField(_("remis le"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["site__name", "reference", "pk"]
        verbose_name = _("bénéficiaire de campagne")
        verbose_name_plural = _("bénéficiaires de campagne")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "reference"],
                name="education_campaign_beneficiary_unique",
                violation_error_message=_("Ce bénéficiaire figure déjà dans la campagne."),
            )
        ]

    def __str__(self) -> str:
        return self.reference
