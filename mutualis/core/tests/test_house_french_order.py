"""French order of names and French amounts in templates."""

import pytest
from django.template import Context, Template

from mutualis.core.collation import french, french_key
from mutualis.territory.models import Commune, Departement

pytestmark = pytest.mark.django_db


def test_names_sort_in_french_order_in_python():
    """Accents and case do not push a name to the end: Béhoust before Bullion, Élancourt among the E."""
    names = ["Bullion", "Élancourt", "Béhoust", "epône", "Andrésy", "Ecquevilly"]
    assert sorted(names, key=french_key) == ["Andrésy", "Béhoust", "Bullion", "Ecquevilly", "Élancourt", "epône"]


def test_the_database_sorts_names_in_french_order():
    """order_by(french("name")) sorts accented and capitalised names where a reader looks for them."""
    departement = Departement.objects.create(code="78", name="Yvelines", siren="227806460")
    for n, name in enumerate(["Bullion", "Élancourt", "Béhoust", "Ecquevilly"]):
        Commune.objects.create(
            insee_code=f"7800{n}", siren=f"21780000{n}", name=name, departement=departement, population=1
        )
    names = list(Commune.objects.order_by(french("name")).values_list("name", flat=True))
    assert names == ["Béhoust", "Bullion", "Ecquevilly", "Élancourt"]


def test_amounts_and_percentages_never_wrap_apart_from_their_unit():
    """The euros and percent filters join the unit to its number with a no-break space."""
    rendered = Template("{% load house %}{{ a|euros }}|{{ p|percent:1 }}|{{ none|euros }}").render(
        Context({"a": "12345.6", "p": "85.24", "none": None})
    )
    assert rendered == "12\u202f345,60\u00a0€|85,2\u00a0%|"


def test_the_api_ordering_parameter_sorts_names_in_french_order(client, territory):
    """`?ordering=name` (and `-name`) on the API sort names as the pages do: Béhoust before Bullion, Élancourt
    among the E — whatever the database."""
    from mutualis.core.collation import french_key

    url = "/api/v1/communes/?departement=78&ordering=name&page_size=500"
    names = [row["name"] for row in client.get(url).json()["results"]]
    assert len(names) == 259
    assert names == sorted(names, key=french_key)
    assert names.index("Béhoust") < names.index("Bullion")
    reverse = [row["name"] for row in client.get(url.replace("ordering=name", "ordering=-name")).json()["results"]]
    assert reverse == names[::-1]
