"""The GraceTHD `t_adresse` table (the national FTTH data model), as exported to CSV by the contractor.

One line per address, dates as aaaa-mm-jj (aaaa/mm/jj accepted, as GraceTHD's own loader does). Columns read
here (GraceTHD attribute names; any other column is ignored):

| column | required | becomes |
|---|---|---|
| ad_code | yes | the address identifier |
| ad_insee | yes | the commune |
| ad_ietat | yes | the state: CI (ciblé), SI (signé), EC (en cours de déploiement), DE (déployé), AB (abandonné) |
| ad_nblhab | yes | dwellings (locaux d'habitation) |
| ad_nblpro | yes | business premises (locaux professionnels) |
| ad_ban_id | no | the BAN identifier |
| ad_hexacle | no | the hexaclé |
| ad_numero, ad_rep, ad_nomvoie (or ad_nom_ld), ad_nombat | no | the address label |
| ad_idatsgn | no | signature of the agreement with the building's manager |
| ad_idatcab | no | cabling (required for a deployed address when the column is there) |
| ad_idatcom | no | commercial opening |
| ad_isole | no | isolated premises (boolean) |
| ad_imneuf | no | new building (boolean) |
| zs_code | no | the PM zone: the code of its `t_zsro` (zone de sous-répartition), joined into the export |
| date_abonnement | no | Mutualis extension, not in GraceTHD: first subscription reported |
"""

from mutualis.fibre.choices import AddressState
from mutualis.fibre.integrations.base import AddressLayout, Column


class GraceThdLayout(AddressLayout):
    """The GraceTHD t_adresse layout."""

    key = "gracethd"
    columns = (
        Column("code", ("ad_code",), required=True),
        Column("insee", ("ad_insee",), required=True),
        Column("state", ("ad_ietat",), required=True),
        Column("dwellings", ("ad_nblhab",), required=True),
        Column("business_premises", ("ad_nblpro",), required=True),
        Column("ban_id", ("ad_ban_id",)),
        Column("hexacle", ("ad_hexacle",)),
        Column("number", ("ad_numero",)),
        Column("repetition", ("ad_rep",)),
        Column("street", ("ad_nomvoie",)),
        Column("place", ("ad_nom_ld",)),
        Column("building", ("ad_nombat",)),
        Column("signed_on", ("ad_idatsgn",)),
        Column("cabled_on", ("ad_idatcab",)),
        Column("commissioned_on", ("ad_idatcom",)),
        Column("isolated", ("ad_isole",)),
        Column("new_building", ("ad_imneuf",)),
        Column("pm_reference", ("zs_code",)),
    )
    states = {state.value: state.value for state in AddressState}
    date_formats = ("%Y-%m-%d", "%Y/%m/%d")
    label_keys = ("number", "repetition", "street", "place", "building")
    label_fallbacks = {"street": "place"}  # GraceTHD rule: the lieu-dit when the address has no street
