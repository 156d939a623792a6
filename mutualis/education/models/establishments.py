from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.education.choices import EstablishmentKind, Sector
from mutualis.members.models import Member, Site
from mutualis.members.validators import validate_uai
from mutualis.territory.models import Commune


class Establishment(BaseModel):
    """An école or a collège, known by its UAI, owned by its commune (école) or its département (collège)."""

    uai = models.CharField(
        _("code UAI"),
        max_length=8,
        unique=True,
        validators=[validate_uai],
        error_messages={"unique": _("Un établissement avec ce code UAI existe déjà.")},
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("nature"), max_length=16, choices=EstablishmentKind.choices)
    sector = models.CharField(_("secteur"), max_length=8, choices=Sector.choices, default=Sector.PUBLIC)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="education_establishments"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="education_establishments",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("adhérent propriétaire"),
        on_delete=models.PROTECT,
        related_name="education_establishments",
        help_text=_("Le département pour un collège, la commune pour une école."),
    )
    pupils = models.PositiveIntegerField(_("nombre d'élèves"), default=0)
    classes = models.PositiveIntegerField(_("nombre de classes"), default=0)
    pupils_with_disability = models.PositiveIntegerField(
        _("élèves en situation de handicap reconnu"),
        default=0,
        help_text=_("Élèves bénéficiant d'une notification de la MDPH (programme inclusion)."),
    )
    referents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("référents numériques"),
        blank=True,
        related_name="referent_establishments",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("établissement scolaire")
        verbose_name_plural = _("établissements scolaires")

    def __str__(self) -> str:
        return f"{self.name} ({self.uai})"
