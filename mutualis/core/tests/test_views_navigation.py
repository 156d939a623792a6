"""The main navigation groups the back-office into disclosure menus (Adhérents ▾, Achats ▾) so that it fits one
line; the browser test checks the line and the keyboard."""

import re

import pytest
from django.test import RequestFactory

from mutualis.accounts.tests.factories import StaffFactory, UserFactory
from mutualis.core.navigation import navigation
from mutualis.core.testing import login_as

pytestmark = pytest.mark.django_db


def _entries(user, path: str) -> list[dict]:
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)


def test_staff_links_are_grouped_and_the_group_of_the_current_page_is_marked():
    """Staff see « Adhérents » (members, contributions) and « Achats » (agreements, orders, invoices, dashboard) as
    groups, then the fleet, the audit log and the territory; on the invoices page « Factures » and its group are
    current, nothing else."""
    entries = _entries(StaffFactory(), "/achats/factures/")
    assert [entry["label"] for entry in entries] == [
        "Adhérents",
        "Achats",
        "Services",
        "Journal d'audit",
        "Territoire",
    ]
    members, purchases = entries[0], entries[1]
    assert [link["label"] for link in members["children"]] == ["Adhérents", "Cotisations"]
    assert [link["label"] for link in purchases["children"]] == [
        "Fournisseurs",
        "Accords-cadres",
        "Commandes",
        "Regroupements",
        "Factures",
        "Tableau de bord",
    ]
    current = [link["label"] for entry in entries for link in entry.get("children", [entry]) if link["current"]]
    assert current == ["Factures"]
    assert purchases["current"] and not members["current"]
    assert members["id"] != purchases["id"]


def test_members_purchases_are_one_group():
    """A member's user sees their space, « Achats » (catalogue, basket, orders, dashboard), the fleet and the
    territory."""
    entries = _entries(UserFactory(), "/espace/")
    assert [entry["label"] for entry in entries] == [
        "Espace adhérent",
        "Achats",
        "Services",
        "Territoire",
        "Couverture fibre",
    ]
    assert [link["label"] for link in entries[1]["children"]] == ["Catalogue", "Panier", "Commandes", "Tableau de bord"]
    assert [link["label"] for link in entries[2]["children"]] == [
        "Équipements",
        "Fibre",
        "Éducation",
        "Sûreté : alarmes",
        "Sûreté : caméras (habilités)",
        "Sûreté : études",
        "Recharge",
    ]
    assert entries[0]["current"]


def test_each_group_is_a_button_controlling_its_menu(client):
    """A group is rendered as a button (aria-expanded, aria-controls naming its list) followed by the list; the
    script that opens it is a static file."""
    login_as(client, StaffFactory())
    body = client.get("/back-office/adherents/").content.decode()
    buttons = re.findall(
        r'<button type="button" class="nav-toggle[^"]*" aria-expanded="false" aria-controls="([^"]+)"', body
    )
    assert len(buttons) == 3  # Adhérents, Achats, Services
    for menu_id in buttons:
        assert f'<ul class="nav-menu" id="{menu_id}">' in body
    assert 'class="nav-toggle current"' in body  # « Adhérents »: the current page is in it
    assert '<script src="/static/core/navigation.js" defer></script>' in body


def test_visitors_see_the_charging_map_in_their_navigation_members_from_their_page():
    """An anonymous visitor has « Bornes de recharge » in the navigation; a signed-in member reaches the map from
    « Recharge » instead (the line must fit at 1280 px)."""
    from django.contrib.auth.models import AnonymousUser

    assert "Bornes de recharge" in [entry["label"] for entry in _entries(AnonymousUser(), "/")]
    assert "Bornes de recharge" not in [entry["label"] for entry in _entries(UserFactory(), "/")]
