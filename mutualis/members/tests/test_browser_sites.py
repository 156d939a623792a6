"""Browser: a manager places a site with a click on the map (or by geocoding its address), a point outside the
commune is refused with the commune named, a site goes out of service and back; the public commune page draws the
public sites. axe-core passes on every page."""

import re

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD, UserFactory
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.choices import MemberRole
from mutualis.members.models import Site
from mutualis.members.tests import factories
from mutualis.territory.geometry import commune_contains

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DECIMAL = re.compile(r"^\d{1,2},\d{6}$")


@pytest.fixture
def chatou_manager(territory):
    """Chatou as a member, with a manager signed in to nothing yet."""
    member = factories.commune_member("78146")
    user = UserFactory(email="gestionnaire@chatou.example.fr")
    factories.MembershipFactory(user=user, member=member, role=MemberRole.MANAGER)
    return member, user


def test_click_on_the_map_places_the_site_and_a_point_outside_is_refused(page, chatou_manager):
    """The form's map draws Chatou; a click fills latitude and longitude and the site is saved there; typed
    coordinates in Marseille come back with « Ce point est hors de la commune de Chatou. »; then the site goes out
    of service and back in service."""
    member, user = chatou_manager
    login(page, email=user.email, password=PASSWORD)
    page.goto(f"/espace/{member.pk}/sites/nouveau/")
    picker = page.locator("#site-map")
    expect(picker).to_have_attribute("data-ready", "true")
    expect(picker.locator(".leaflet-overlay-pane path")).to_have_count(1)  # Chatou's contour
    expect(page.get_by_role("button", name="Trouver l'adresse sur la carte")).to_be_hidden()  # geocoding off
    expect(page.get_by_label("Site visible du public")).to_be_checked()  # a town hall, the first kind
    axe_check(page)

    page.get_by_label("Nom").fill("Hôtel de ville")
    page.get_by_label("Adresse").fill("1 place Maurice Berteaux")
    picker.click()  # the middle of the map: the middle of Chatou
    expect(page.get_by_label("Latitude")).to_have_value(DECIMAL)
    expect(page.get_by_label("Longitude")).to_have_value(DECIMAL)
    expect(page.get_by_role("status").filter(has_text="Point placé")).to_be_visible()
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_text("Site « Hôtel de ville » ajouté.")).to_be_visible()
    site = Site.objects.get(member=member, name="Hôtel de ville")
    assert site.is_public and commune_contains(site.commune, site.latitude, site.longitude)
    axe_check(page)

    # Keyboard fallback: the fields stay editable; a point in Marseille is refused with the commune named.
    page.goto(f"/espace/sites/{site.pk}/modifier/")
    expect(picker.locator(".leaflet-overlay-pane path")).to_have_count(2)  # the contour and the site's point
    page.get_by_label("Latitude").fill("43,2965")
    page.get_by_label("Longitude").fill("5,3698")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    expect(page.locator("#id_latitude_error")).to_have_text("Ce point est hors de la commune de Chatou.")
    axe_check(page)
    site.refresh_from_db()
    assert commune_contains(site.commune, site.latitude, site.longitude)

    page.goto(f"/espace/{member.pk}/")
    click_and_wait(page, page.get_by_role("link", name="Mettre hors service Hôtel de ville"))
    click_and_wait(page, page.get_by_role("button", name="Confirmer la mise hors service"))
    click_and_wait(page, page.get_by_role("link", name="Remettre en service Hôtel de ville"))
    expect(page.get_by_role("heading", name="Remettre « Hôtel de ville » en service")).to_be_visible()
    axe_check(page)
    page.get_by_label("Motif (facultatif)").fill("Travaux terminés")
    click_and_wait(page, page.get_by_role("button", name="Confirmer la remise en service"))
    expect(page.get_by_text("Site « Hôtel de ville » remis en service.")).to_be_visible()
    assert Site.objects.get(pk=site.pk).is_active


def test_geocoding_the_address_places_the_point(page, chatou_manager, ban_geocoder):
    """With geocoding on, « Trouver l'adresse sur la carte » asks the server (which asks the BAN) and fills the
    fields; an address the BAN does not know is said so."""
    member, user = chatou_manager
    login(page, email=user.email, password=PASSWORD)
    page.goto(f"/espace/{member.pk}/sites/nouveau/")
    expect(page.locator("#site-map")).to_have_attribute("data-ready", "true")
    button = page.get_by_role("button", name="Trouver l'adresse sur la carte")
    page.get_by_label("Adresse").fill("rue Imaginaire")
    button.click()
    expect(
        page.get_by_role("status").filter(has_text="Aucune adresse trouvée dans la commune de Chatou")
    ).to_be_visible()
    expect(page.get_by_label("Latitude")).to_have_value("")

    ban_geocoder.answer(label="1 Place Maurice Berteaux 78400 Chatou", latitude=48.8897, longitude=2.1573)
    page.get_by_label("Adresse").fill("1 place Maurice Berteaux")
    button.click()
    expect(page.get_by_label("Latitude")).to_have_value("48,889700")
    expect(page.get_by_label("Longitude")).to_have_value("2,157300")
    expect(page.get_by_role("status").filter(has_text="Adresse trouvée : 1 Place Maurice Berteaux")).to_be_visible()
    axe_check(page)


def test_public_commune_page_draws_public_sites_only(page, chatou_manager):
    """A visitor's map of Chatou draws the public town hall as a point, not the private car park."""
    member, _ = chatou_manager
    factories.SiteFactory(
        member=member, name="Mairie", kind="town_hall", is_public=True, latitude=48.8897, longitude=2.1573
    )
    factories.SiteFactory(member=member, name="Parking vidéoprotégé", kind="car_park", latitude=48.89, longitude=2.15)
    page.goto("/territoire/communes/78146/")
    map_region = page.get_by_role("region", name="Carte du contour de la commune de Chatou")
    expect(map_region.locator("path.leaflet-interactive")).to_have_count(2)  # the contour and the town hall
    expect(page.get_by_text("Mairie — Hôtel de ville / mairie")).to_be_visible()
    expect(page.get_by_text("Parking vidéoprotégé")).to_have_count(0)
    axe_check(page)
