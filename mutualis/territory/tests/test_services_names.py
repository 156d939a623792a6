"""A commune's name after « de »: elided before a vowel or a mute h, contracted with « le » / « les »."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from mutualis.territory.names import ASPIRATED_H, commune_of, of_place


@pytest.mark.parametrize(
    ("name", "member_name"),
    [
        ("Antony", "Commune d'Antony"),
        ("Issy-les-Moulineaux", "Commune d'Issy-les-Moulineaux"),
        ("Élancourt", "Commune d'Élancourt"),
        ("Ablis", "Commune d'Ablis"),
        ("Le Chesnay-Rocquencourt", "Commune du Chesnay-Rocquencourt"),
        ("Les Mureaux", "Commune des Mureaux"),
        ("La Celle-Saint-Cloud", "Commune de La Celle-Saint-Cloud"),
        ("L'Étang-la-Ville", "Commune de L'Étang-la-Ville"),
        ("Versailles", "Commune de Versailles"),
        ("Houilles", "Commune de Houilles"),
        ("Lévis-Saint-Nom", "Commune de Lévis-Saint-Nom"),
        ("Lesches", "Commune de Lesches"),
    ],
)
def test_commune_of_elides_and_contracts_as_french_does(name, member_name):
    """The member name of a commune follows the article of its name: d'Antony, du Chesnay, des Mureaux, de La Celle,
    de Houilles (aspirated h), de Lévis (a name merely beginning with « Le » is no article)."""
    assert commune_of(name) == member_name


def test_of_place_keeps_a_lower_case_article():
    """A lower-case article contracts the same way (« du Département », « de la Commune », « de l'EHPAD »)."""
    assert of_place("le Département") == "du Département"
    assert of_place("la Commune d'Ablis") == "de la Commune d'Ablis"
    assert of_place("l'EHPAD") == "de l'EHPAD"
    assert of_place("les Collèges") == "des Collèges"


def test_every_h_commune_of_the_territory_is_decided():
    """Each commune of data/territory whose name begins with H is listed as taking « de » (aspirated h): a new one
    must be looked up, not guessed."""
    rows = json.loads((Path(settings.BASE_DIR) / "data/territory/communes-78-92.json").read_text(encoding="utf-8"))
    h_names = {row["nom"].casefold() for row in rows if row["nom"][0] in "Hh"}
    assert h_names == ASPIRATED_H
