"""The IPE file (Interop'Fibre « immeubles passés et éligibles »), the monthly list of addresses an infrastructure
operator publishes to the commercial operators.

One line per address (or per building at an address), « ; »-separated, dates as AAAAMMJJ; the file is often
Windows-1252. Columns read here (names of the Interop'Fibre IPE v2 description; any other column is ignored):

| column | required | becomes |
|---|---|---|
| IdentifiantImmeuble | yes | the address identifier (unique per line of the IPE) |
| EtatImmeuble | yes | the state: CIBLE, SIGNE, EN COURS DE DEPLOIEMENT, DEPLOYE, ABANDONNE (and RACCORDABLE DEMANDE, read as deployed: connectable on request) |
| CodeInseeImmeuble | yes | the commune |
| NombreLogementsAdresseIPE | yes | the premises of the line (the IPE counts business premises among them, so none apart) |
| CodeAdresseImmeuble | no | the hexaclé |
| NumeroVoieImmeuble, ComplementNumeroVoieImmeuble, TypeVoieImmeuble, NomVoieImmeuble, BatimentImmeuble | no | the address label |
| ReferencePM | no | the PM zone (it must be in the plan) |
| DateSignatureConvention | no | signature of the agreement with the building's manager |
| DateCablageAdresse | no | cabling (required for a deployed address when the column is there) |
| DateMiseEnServiceCommercialeImmeuble | no | commercial opening |
| ImmeubleNeuf | no | new building (O/N) |
| date_abonnement | no | Mutualis extension, not in the IPE: first subscription reported |

The PM's own columns (EtatPM, DateInstallationPM) are not read: PM zones and their commissioning are kept in the
plan by the network officers, and an address becomes connectable from its PM's commissioning there.
"""

from mutualis.fibre.choices import AddressState
from mutualis.fibre.integrations.base import AddressLayout, Column


class IpeLayout(AddressLayout):
    """The Interop'Fibre IPE layout."""

    key = "ipe"
    columns = (
        Column("code", ("IdentifiantImmeuble",), required=True),
        Column("state", ("EtatImmeuble",), required=True),
        Column("insee", ("CodeInseeImmeuble",), required=True),
        Column("dwellings", ("NombreLogementsAdresseIPE",), required=True),
        Column("hexacle", ("CodeAdresseImmeuble",)),
        Column("number", ("NumeroVoieImmeuble",)),
        Column("repetition", ("ComplementNumeroVoieImmeuble",)),
        Column("street_type", ("TypeVoieImmeuble",)),
        Column("street", ("NomVoieImmeuble",)),
        Column("building", ("BatimentImmeuble",)),
        Column("pm_reference", ("ReferencePM",)),
        Column("signed_on", ("DateSignatureConvention",)),
        Column("cabled_on", ("DateCablageAdresse",)),
        Column("commissioned_on", ("DateMiseEnServiceCommercialeImmeuble",)),
        Column("new_building", ("ImmeubleNeuf",)),
    )
    states = {
        "CIBLE": AddressState.TARGETED,
        "SIGNE": AddressState.SIGNED,
        "EN COURS DE DEPLOIEMENT": AddressState.IN_PROGRESS,
        "DEPLOYE": AddressState.DEPLOYED,
        "RACCORDABLE DEMANDE": AddressState.DEPLOYED,
        "ABANDONNE": AddressState.ABANDONED,
    }
    date_formats = ("%Y%m%d", "%Y-%m-%d", "%d/%m/%Y")
    label_keys = ("number", "repetition", "street_type", "street", "building")
