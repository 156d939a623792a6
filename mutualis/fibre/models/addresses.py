from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.fibre.choices import AddressState
from mutualis.territory.models import Commune


class Address(BaseModel):
    """An FTTH address (GraceTHD t_adresse, an IPE line): its dwellings and business premises, state and dates.

    Its premises are connectable once it is deployed and its PM commissioned, from the later of the two dates; they
    are connected once a subscription is reported.
    """

    code = models.CharField(
        _("identifiant"), max_length=100, unique=True, help_text=_("IdentifiantImmeuble (IPE) ou ad_code (GraceTHD).")
    )
    ban_id = models.CharField(_("identifiant BAN"), max_length=50, blank=True)
    hexacle = models.CharField(_("hexaclé"), max_length=10, blank=True)
    # Indexed with the state below: every commune lookup uses that index's first column.
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="fibre_addresses", db_index=False
    )
    label = models.CharField(_("adresse"), max_length=255, blank=True)
    dwellings = models.PositiveIntegerField(_("logements"), default=0)
    business_premises = models.PositiveIntegerField(_("locaux professionnels"), default=0)
    state = models.CharField(_("état"), max_length=2, choices=AddressState.choices)
    signed_on = models.DateField(_("convention signée le"), null=True, blank=True)
    cabled_on = models.DateField(_("câblée le"), null=True, blank=True)
    commissioned_on = models.DateField(_("mise en service commerciale le"), null=True, blank=True)
    pm_zone = models.ForeignKey(
        "fibre.PMZone",
        verbose_name=_("zone PM"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addresses",
    )
    connected_on = models.DateField(_("premier abonnement signalé le"), null=True, blank=True)
    new_building = models.BooleanField(_("immeuble neuf"), default=False)
    isolated = models.BooleanField(_("local isolé"), default=False)
    last_import = models.ForeignKey(
        "fibre.FibreImport",
        verbose_name=_("dernier import l'ayant modifiée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # imports are never deleted: no lookup runs this way, and every insert would pay for it
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("adresse FTTH")
        verbose_name_plural = _("adresses FTTH")
        indexes = [models.Index(fields=["commune", "state"], name="fibre_address_commune_state")]

    def __str__(self) -> str:
        return self.label or self.code

    @property
    def premises(self) -> int:
        """Dwellings and business premises at this address (the « locaux » the progress counts)."""
        return self.dwellings + self.business_premises
