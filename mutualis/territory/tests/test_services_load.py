"""Loading the shipped territory: counts, real facts, idempotence, updates in place."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from mutualis.territory.choices import IntercommunalityKind
from mutualis.territory.models import Commune, Departement, Intercommunality
from mutualis.territory.services import default_data_dir, territory_load

pytestmark = pytest.mark.django_db


def test_load_creates_the_whole_territory():
    """The data holds 2 départements, 16 EPCI/EPT and 295 communes: 259 in Yvelines, 36 in Hauts-de-Seine."""
    counts = territory_load()

    assert counts["departements"] == {"created": 2, "updated": 0, "total": 2}
    assert counts["intercommunalities"] == {"created": 16, "updated": 0, "total": 16}
    assert counts["communes"] == {"created": 295, "updated": 0, "total": 295}
    assert Commune.objects.filter(departement__code="78").count() == 259
    assert Commune.objects.filter(departement__code="92").count() == 36


def test_every_commune_has_its_contour_and_centroid():
    """Contours come from the GeoJSON files by INSEE code; former communes' contours are ignored."""
    territory_load()

    assert not Commune.objects.filter(contour__isnull=True).exists()
    assert not Commune.objects.filter(latitude__isnull=True).exists()
    assert not Commune.objects.filter(insee_code__in=["78251", "78503", "78524"]).exists()
    assert not Departement.objects.filter(contour__isnull=True).exists()


def test_versailles_is_in_ca_versailles_grand_parc(territory):
    """Versailles (78646): SIREN, postal code, population, its EPCI, no EPT, chef-lieu of the Yvelines."""
    versailles = Commune.objects.get(insee_code="78646")

    assert versailles.name == "Versailles"
    assert versailles.siren == "217806462"
    assert versailles.postal_codes == ["78000"]
    assert versailles.population == 84095
    assert versailles.epci.name == "CA Versailles Grand Parc (CAVGP)"
    assert versailles.epci.kind == IntercommunalityKind.CA
    assert versailles.ept is None
    assert versailles.contour["type"] in {"Polygon", "MultiPolygon"}
    assert territory.yvelines.chef_lieu_code == "78646"
    assert territory.yvelines.siren == "227806460"


def test_boulogne_is_in_gpso_and_the_metropole_du_grand_paris(territory):
    """Boulogne-Billancourt (92012): EPT Grand Paris Seine Ouest within the Métropole du Grand Paris."""
    boulogne = territory.boulogne

    assert boulogne.insee_code == "92012"
    assert boulogne.postal_codes == ["92100"]
    assert boulogne.ept.name == "Grand Paris Seine Ouest"
    assert boulogne.ept.kind == IntercommunalityKind.EPT
    assert boulogne.epci.name == "Métropole du Grand Paris"
    assert boulogne.epci.kind == IntercommunalityKind.METRO


def test_a_commune_may_have_several_postal_codes(territory):
    """Saint-Germain-en-Laye keeps both its postal codes."""
    assert territory.saint_germain.postal_codes == ["78100", "78112"]


def test_intercommunalities_keep_their_members_outside_the_territory(territory):
    """The Métropole du Grand Paris has 36 communes in the territory and keeps the others' INSEE codes."""
    mgp = territory.mgp

    assert mgp.population == 7163419
    assert mgp.epci_communes.count() == 36
    assert "75056" in mgp.outside_member_codes  # Paris
    assert len(mgp.outside_member_codes) == 94
    assert set(Intercommunality.objects.values_list("kind", flat=True)) == {"CA", "CC", "CU", "EPT", "METRO"}


def test_loading_twice_changes_nothing_and_keeps_primary_keys():
    """Idempotent: a second run creates and updates nothing; every row keeps its primary key and timestamps."""
    territory_load()
    before = dict(Commune.objects.values_list("insee_code", "pk"))
    stamps = dict(Commune.objects.values_list("insee_code", "updated_at"))

    counts = territory_load()

    assert all(c["created"] == 0 and c["updated"] == 0 for c in counts.values())
    assert dict(Commune.objects.values_list("insee_code", "pk")) == before
    assert dict(Commune.objects.values_list("insee_code", "updated_at")) == stamps
    assert Commune.objects.count() == 295
    assert Intercommunality.objects.count() == 16
    assert Departement.objects.count() == 2


def test_a_changed_fact_is_updated_in_place(tmp_path):
    """A new population or EPCI in the data files updates that row only, keeping its primary key."""
    territory_load()
    versailles_pk = Commune.objects.get(insee_code="78646").pk
    data_dir = tmp_path / "territory"
    shutil.copytree(default_data_dir(), data_dir)
    path = data_dir / "communes-78-92.json"
    communes = json.loads(path.read_text(encoding="utf-8"))
    for row in communes:
        if row["code_insee"] == "78646":
            row["population"] = 85000
            row["codes_postaux"] = ["78000", "78001"]
            row["epci_siren"] = "200058782"
    path.write_text(json.dumps(communes, ensure_ascii=False), encoding="utf-8")

    counts = territory_load(data_dir=data_dir)

    assert counts["communes"] == {"created": 0, "updated": 1, "total": 295}
    versailles = Commune.objects.select_related("epci").get(insee_code="78646")
    assert versailles.pk == versailles_pk
    assert versailles.population == 85000
    assert versailles.postal_codes == ["78000", "78001"]
    assert versailles.epci.siren == "200058782"


def test_a_renamed_commune_is_found_by_its_new_name(tmp_path):
    """The search name follows the name when the data renames a commune."""
    territory_load()
    data_dir = tmp_path / "territory"
    shutil.copytree(default_data_dir(), data_dir)
    path = data_dir / "communes-78-92.json"
    communes = json.loads(path.read_text(encoding="utf-8"))
    next(row for row in communes if row["code_insee"] == "78003")["nom"] = "Ablis-en-Forêt"
    path.write_text(json.dumps(communes, ensure_ascii=False), encoding="utf-8")

    territory_load(data_dir=data_dir)

    assert Commune.objects.get(insee_code="78003").search_name == "ablis en foret"


def test_load_territory_command_prints_the_counts():
    """`manage.py load_territory` loads the data and prints the counts."""
    stdout = StringIO()
    call_command("load_territory", stdout=stdout)

    out = stdout.getvalue()
    assert "communes : 295 (295 créé(s), 0 mis à jour)" in out
    assert "EPCI/EPT : 16" in out
    assert "départements : 2" in out
