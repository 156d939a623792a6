"""Pytest plugin: the `territory` fixture loads the real territory (2 départements, 16 EPCI/EPT, 295 communes).

Listed in the root conftest's `pytest_plugins`, so every app's tests can ask for it:

    def test_member_of_a_commune(territory):
        member = MemberFactory(communes=[territory.versailles])
"""

from types import SimpleNamespace

import pytest

# Attribute name → INSEE code (communes), code (départements), SIREN (intercommunalities).
COMMUNES = {
    "versailles": "78646",
    "montigny": "78423",
    "saint_germain": "78551",
    "boulogne": "92012",
    "montrouge": "92049",
    "courbevoie": "92026",
    "clamart": "92023",
    "nanterre": "92050",
}
DEPARTEMENTS = {"yvelines": "78", "hauts_de_seine": "92"}
INTERCOMMUNALITIES = {
    "cavgp": "247800584",  # CA Versailles Grand Parc
    "sqy": "200058782",  # CA de Saint-Quentin-en-Yvelines
    "gpso": "200057974",  # EPT Grand Paris Seine Ouest
    "vsgp": "200057966",  # EPT Vallée Sud - Grand Paris
    "pold": "200057982",  # EPT Paris Ouest La Défense
    "mgp": "200054781",  # Métropole du Grand Paris
}


def load_territory_namespace() -> SimpleNamespace:
    """Load the real territory (idempotent) and return the well-known places by attribute."""
    from mutualis.territory.models import Commune, Departement, Intercommunality
    from mutualis.territory.services import territory_load

    territory_load()
    communes = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=COMMUNES.values())}
    departements = {d.code: d for d in Departement.objects.filter(code__in=DEPARTEMENTS.values())}
    intercommunalities = {i.siren: i for i in Intercommunality.objects.filter(siren__in=INTERCOMMUNALITIES.values())}
    return SimpleNamespace(
        **{name: communes[code] for name, code in COMMUNES.items()},
        **{name: departements[code] for name, code in DEPARTEMENTS.items()},
        **{name: intercommunalities[siren] for name, siren in INTERCOMMUNALITIES.items()},
    )


@pytest.fixture
def territory(db) -> SimpleNamespace:
    """The real territory in the test database; `.versailles`, `.boulogne`, `.yvelines`, `.gpso`, `.mgp`…"""
    return load_territory_namespace()
