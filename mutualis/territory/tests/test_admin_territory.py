"""The Django admin shows the territory read-only."""

import pytest

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.collation import french_key
from mutualis.core.testing import login_as
from mutualis.territory.models import Commune

pytestmark = pytest.mark.django_db


def test_admin_lists_communes_without_add_change_or_delete(client, territory):
    """An administrator browses communes, EPCI/EPT and départements; adding, editing and deleting are refused."""
    login_as(client, StaffFactory())

    assert client.get("/admin/territory/commune/").status_code == 200
    assert client.get("/admin/territory/commune/?q=versailles").status_code == 200
    assert client.get("/admin/territory/intercommunality/").status_code == 200
    assert client.get("/admin/territory/departement/").status_code == 200
    assert client.get(f"/admin/territory/commune/{territory.versailles.pk}/change/").status_code == 200
    assert client.get("/admin/territory/commune/add/").status_code == 403
    response = client.post(f"/admin/territory/commune/{territory.versailles.pk}/change/", {"name": "Autre"})
    assert response.status_code == 403
    assert Commune.objects.get(pk=territory.versailles.pk).name == "Versailles"
    assert (
        client.post(f"/admin/territory/commune/{territory.versailles.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Commune.objects.count() == 295


def test_admin_lists_communes_in_french_order(client, territory):
    """The admin's commune list is in French order too (Béhoust among the Be, not after Bullion), and its columns
    still sort."""
    login_as(client, StaffFactory())
    names = [c.name for c in client.get("/admin/territory/commune/").context["cl"].result_list]
    assert names == sorted(names, key=french_key) and "Béhoust" in names
    assert client.get("/admin/territory/commune/", {"o": "2"}).status_code == 200
