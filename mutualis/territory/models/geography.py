from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.territory.choices import IntercommunalityKind
from mutualis.territory.search import normalize_name


class Departement(BaseModel):
    """A département (INSEE code such as "78"), with its SIREN and contour."""

    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    chef_lieu_code = models.CharField(_("code INSEE du chef-lieu"), max_length=5, blank=True)
    contour = models.JSONField(_("contour (géométrie GeoJSON)"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Intercommunality(BaseModel):
    """An EPCI à fiscalité propre or an EPT (glossary: intercommunalité → intercommunality)."""

    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("nature juridique"), max_length=5, choices=IntercommunalityKind.choices)
    population = models.PositiveIntegerField(_("population totale"), default=0)
    # Some EPCI straddle the territory: the INSEE codes of their communes outside 78/92 are kept as facts.
    outside_member_codes = models.JSONField(_("communes membres hors territoire"), default=list, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("EPCI / EPT")
        verbose_name_plural = _("EPCI / EPT")

    def __str__(self) -> str:
        return self.name


class Commune(BaseModel):
    """A current commune (INSEE COG): codes, population, intercommunalities, centroid and contour."""

    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=100, db_index=True)
    # Lower-case, unaccented, hyphens as spaces: "saint germain" finds Saint-Germain-en-Laye on SQLite and PostgreSQL
    # alike, without the unaccent extension.
    search_name = models.CharField(_("nom normalisé"), max_length=100, db_index=True, editable=False, default="")
    departement = models.ForeignKey(
        Departement, verbose_name=_("département"), on_delete=models.PROTECT, related_name="communes"
    )
    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    postal_codes = models.JSONField(_("codes postaux"), default=list)
    population = models.PositiveIntegerField(_("population municipale"), default=0)
    epci = models.ForeignKey(
        Intercommunality,
        verbose_name=_("EPCI"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="epci_communes",
    )
    ept = models.ForeignKey(
        Intercommunality,
        verbose_name=_("EPT"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ept_communes",
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    contour = models.JSONField(_("contour (géométrie GeoJSON)"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"

    def save(self, *args, **kwargs):
        self.search_name = normalize_name(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)
