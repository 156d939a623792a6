"""Selectors and the filter set shared by the commune list page and the API."""

import pytest

from mutualis.territory import selectors
from mutualis.territory.filters import CommuneFilterSet, IntercommunalityFilterSet
from mutualis.territory.models import Commune
from mutualis.territory.search import normalize_name

pytestmark = pytest.mark.django_db


def _codes(queryset):
    return set(queryset.values_list("insee_code", flat=True))


def test_normalize_name_ignores_case_accents_and_hyphens():
    """ "Élancourt" and "elancourt" match; "Saint-Germain-en-Laye" matches "saint germain"."""
    assert normalize_name("Élancourt") == "elancourt"
    assert normalize_name("Saint-Germain-en-Laye") == "saint germain en laye"
    assert normalize_name("L'Étang-la-Ville") == "l etang la ville"


def test_commune_list_never_loads_contours(territory):
    """Contours are large: lists defer them."""
    commune = selectors.commune_list().get(insee_code="78646")

    assert "contour" in commune.get_deferred_fields()


def test_commune_get_loads_the_contour(territory):
    """The detail selector returns the contour; an unknown INSEE code raises DoesNotExist."""
    commune = selectors.commune_get(insee_code="92012")

    assert "contour" not in commune.get_deferred_fields()
    assert commune.contour["type"] == "Polygon"
    with pytest.raises(Commune.DoesNotExist):
        selectors.commune_get(insee_code="99999")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("versailles", {"78646"}),
        ("VERSAILLES", {"78646"}),
        ("elancourt", {"78208"}),
        ("saint germain", {"78550", "78551"}),
        ("78646", {"78646"}),
        ("78000", {"78646"}),
        ("78112", {"78551"}),
    ],
)
def test_search_by_name_insee_code_or_postal_code(territory, q, expected):
    """q matches the name (any case, accents, hyphens), the INSEE code or a postal code."""
    assert _codes(selectors.commune_list(filters={"q": q})) == expected


def test_search_by_the_start_of_a_postal_code(territory):
    """Digits find communes whose INSEE code or a postal code starts with them."""
    codes = _codes(selectors.commune_list(filters={"q": "921"}))

    assert "92012" in codes  # Boulogne-Billancourt, 92100
    assert all(code.startswith("92") for code in codes)


def test_filter_by_departement(territory):
    """By département code (or object): 259 in 78, 36 in 92."""
    assert selectors.commune_list(filters={"departement": "78"}).count() == 259
    assert selectors.commune_list(filters={"departement": territory.hauts_de_seine}).count() == 36


def test_filter_by_intercommunality_matches_epci_and_ept(territory):
    """An EPT's SIREN lists its communes; the Métropole's lists all 36 communes of the 92."""
    gpso = _codes(selectors.commune_list(filters={"intercommunality": territory.gpso.siren}))
    assert len(gpso) == 8
    assert {"92012", "92040"} <= gpso  # Boulogne-Billancourt, Issy-les-Moulineaux
    assert selectors.commune_list(filters={"intercommunality": territory.mgp}).count() == 36


def test_filter_by_kind_of_intercommunality(territory):
    """kind=EPT lists the communes of an EPT; kind=CA those in a communauté d'agglomération."""
    assert selectors.commune_list(filters={"kind": "EPT"}).count() == 36
    ca = selectors.commune_list(filters={"kind": "CA"})
    assert ca.filter(insee_code="78646").exists()
    assert not ca.filter(departement__code="92").exists()


def test_filter_by_exact_postal_code(territory):
    """postal_code matches a whole code only."""
    assert _codes(selectors.commune_list(filters={"postal_code": "78100"})) == {"78551"}
    assert not selectors.commune_list(filters={"postal_code": "7810"}).exists()


def test_filters_combine(territory):
    """Filters narrow together."""
    communes = selectors.commune_list(filters={"departement": "92", "q": "boulogne"})
    assert _codes(communes) == {"92012"}
    assert not selectors.commune_list(filters={"departement": "78", "q": "boulogne"}).exists()


def test_commune_filterset_rejects_an_unknown_departement(territory):
    """An unknown département code is a field error, in French."""
    filterset = CommuneFilterSet({"departement": "99"}, queryset=selectors.commune_list())

    assert not filterset.is_valid()
    assert "departement" in filterset.errors
    assert "choix valide" in filterset.errors["departement"][0]


def test_commune_filterset_uses_the_selector_rules(territory):
    """The filter set validates codes into objects, then filters like the selector."""
    filterset = CommuneFilterSet(
        {"departement": "92", "intercommunality": territory.gpso.siren}, queryset=selectors.commune_list()
    )

    assert filterset.is_valid()
    assert filterset.qs.count() == 8


def test_departement_list_and_get(territory):
    """Both départements with their commune counts; the detail has the contour."""
    assert [(d.code, d.commune_count) for d in selectors.departement_list()] == [("78", 259), ("92", 36)]
    yvelines = selectors.departement_get(code="78")
    assert yvelines.contour["type"] in {"Polygon", "MultiPolygon"}
    assert selectors.departement_population(departement=yvelines) > 1_400_000


def test_intercommunality_list_by_departement_and_kind(territory):
    """The 92 has the Métropole and its 4 EPT; kind narrows; commune counts are those in the territory."""
    in_92 = selectors.intercommunality_list(filters={"departement": "92"})
    assert {i.kind for i in in_92} == {"METRO", "EPT"}
    assert in_92.count() == 5
    assert selectors.intercommunality_list(filters={"kind": "EPT"}).count() == 4
    assert selectors.intercommunality_list().count() == 16
    cavgp = selectors.intercommunality_get(siren=territory.cavgp.siren)
    assert cavgp.commune_count == 17
    assert cavgp.outside_member_codes == ["91064"]


def test_intercommunality_filterset_rejects_an_unknown_kind(territory):
    """An unknown kind is a field error."""
    filterset = IntercommunalityFilterSet({"kind": "XX"}, queryset=selectors.intercommunality_list())

    assert not filterset.is_valid()
    assert "kind" in filterset.errors


def test_intercommunality_communes_and_their_contours(territory):
    """An EPT's member communes in the territory, and a GeoJSON collection of their contours."""
    communes = selectors.intercommunality_communes(intercommunality=territory.gpso)
    collection = selectors.commune_contours(queryset=communes)

    assert communes.count() == 8
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 8
    assert {"code": "92012", "name": "Boulogne-Billancourt"} in [f["properties"] for f in collection["features"]]
