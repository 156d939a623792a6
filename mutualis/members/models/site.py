from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.members.choices import SiteKind
from mutualis.territory.models import Commune

# Kinds of place the public knows anyway (town halls, schools, public buildings): a site of these kinds is shown on
# the public commune page unless told otherwise. Car parks, technical centres, EHPAD, public spaces (often
# video-protected or supervised) stay with the member and the operator unless made public on purpose.
PUBLIC_SITE_KINDS = frozenset(
    {
        SiteKind.TOWN_HALL,
        SiteKind.ADMINISTRATIVE,
        SiteKind.COLLEGE,
        SiteKind.SCHOOL,
        SiteKind.SPORTS,
        SiteKind.CULTURE,
    }
)


def public_by_default(kind: str) -> bool:
    """Whether a site of this kind is shown to the public when nobody said (see PUBLIC_SITE_KINDS)."""
    return kind in PUBLIC_SITE_KINDS


class Site(BaseModel):
    """A member's place (town hall, collège, car park…); later apps attach cameras, chargers, assets to it."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("adhérent"), on_delete=models.CASCADE, related_name="sites"
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("nature"), max_length=32, choices=SiteKind.choices)
    address = models.CharField(_("adresse"), max_length=255)
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="sites")
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    is_active = models.BooleanField(_("en service"), default=True)
    # Off unless chosen (the services choose by kind): a site's name and address are not published by accident.
    is_public = models.BooleanField(
        _("site visible du public"),
        default=False,
        help_text=_("Son nom, son adresse et sa position paraissent sur la page publique de la commune."),
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["member", "name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "name"],
                name="unique_site_name_per_member",
                violation_error_message=_("Cet adhérent a déjà un site portant ce nom."),
            )
        ]

    def __str__(self) -> str:
        return self.name
