"""A site's point lies in its commune (real contours, 200 m tolerance): refused with the commune named otherwise, on
the form, in the API and on edit, with nothing written; and a site is public or not, by kind unless said."""

import pytest
from django.core.exceptions import ValidationError

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members import services
from mutualis.members.choices import SiteKind
from mutualis.members.models import Site
from mutualis.members.testing import rows
from mutualis.members.tests import factories

MARSEILLE = (43.2965, 5.3698)
CHATOU_TOWN_HALL = (48.8897, 2.1573)
OUTSIDE_CHATOU = "Ce point est hors de la commune de Chatou."


@pytest.fixture
def chatou(territory):
    """The commune of Chatou as a member (real contour), and an operator administrator."""
    return factories.commune_member("78146")


@pytest.fixture
def admin(db):
    return StaffFactory()


def create(member, admin, point, **kwargs):
    data = {
        "name": "Hôtel de ville",
        "kind": SiteKind.TOWN_HALL,
        "address": "1 place Maurice Berteaux",
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
    } | kwargs
    data.setdefault("commune", member.communes.first())
    return services.site_create(member=member, acting_user=admin, **data)


def test_a_point_in_the_commune_is_accepted(chatou, admin):
    """Rule: a Chatou site placed at Chatou's town hall (or at its centroid) is accepted."""
    site = create(chatou, admin, CHATOU_TOWN_HALL)
    assert (site.latitude, site.longitude) == CHATOU_TOWN_HALL
    commune = chatou.communes.get()
    create(chatou, admin, (commune.latitude, commune.longitude), name="Centre")


def test_a_point_outside_the_commune_is_refused_with_its_name(chatou, admin):
    """Rule: a Chatou site placed in Marseille is refused, « Ce point est hors de la commune de Chatou. », nothing
    written or audited."""
    with pytest.raises(ValidationError) as excinfo:
        create(chatou, admin, MARSEILLE)
    assert excinfo.value.message_dict["latitude"] == [OUTSIDE_CHATOU]
    assert not Site.objects.exists() and not AuditEntry.objects.filter(action="site.create").exists()


def test_the_commune_is_named_with_its_article(territory, admin):
    """The message names the commune in good French: « hors de la commune du Pecq »."""
    member = factories.commune_member("78481")  # Le Pecq
    with pytest.raises(ValidationError) as excinfo:
        create(member, admin, MARSEILLE)
    assert excinfo.value.message_dict["latitude"] == ["Ce point est hors de la commune du Pecq."]


def test_an_edit_that_moves_the_point_out_is_refused(chatou, admin):
    """Rule, on edit: moving the point out of the commune is refused and the site keeps its point."""
    site = create(chatou, admin, CHATOU_TOWN_HALL)
    with pytest.raises(ValidationError) as excinfo:
        services.site_update(site=site, acting_user=admin, latitude=MARSEILLE[0], longitude=MARSEILLE[1])
    assert excinfo.value.message_dict["latitude"] == [OUTSIDE_CHATOU]
    site.refresh_from_db()
    assert (site.latitude, site.longitude) == CHATOU_TOWN_HALL
    assert not AuditEntry.objects.filter(action="site.update").exists()


def test_a_site_without_coordinates_is_accepted(chatou, admin):
    """The point is optional: no coordinates, nothing to check."""
    assert create(chatou, admin, None).latitude is None


def test_the_point_is_checked_against_the_commune_chosen(territory, admin):
    """A département's site in Versailles placed at Chatou's town hall is refused, named Versailles."""
    yvelines = factories.MemberFactory(
        kind="departement", establishment_type="", siren="227806460", siret="", communes=[]
    )
    with pytest.raises(ValidationError) as excinfo:
        create(yvelines, admin, CHATOU_TOWN_HALL, commune=territory.versailles)
    assert excinfo.value.message_dict["latitude"] == ["Ce point est hors de la commune de Versailles."]


def test_public_by_kind_unless_said(chatou, admin):
    """Town halls, schools and public buildings are public by default; car parks and technical centres are not;
    saying so wins."""
    assert create(chatou, admin, None).is_public
    assert not create(chatou, admin, None, name="Parking", kind=SiteKind.CAR_PARK).is_public
    assert not create(chatou, admin, None, name="Annexe", is_public=False).is_public
    assert create(chatou, admin, None, name="CTM", kind=SiteKind.TECHNICAL, is_public=True).is_public


# --- the form ------------------------------------------------------------------------------------------------------


def form_data(commune, point, **overrides):
    return {
        "name": "Parking de la gare",
        "kind": "car_park",
        "address": "Place de la Gare",
        "commune": commune.pk,
        "latitude": str(point[0]).replace(".", ","),
        "longitude": str(point[1]).replace(".", ","),
    } | overrides


def test_form_refuses_a_point_outside_with_the_message(chatou, admin, client):
    """The site form answers 400 with « Ce point est hors de la commune de Chatou. » on the latitude; nothing
    written."""
    login_as(client, admin)
    before = rows(Site.objects.all())
    response = client.post(
        f"/espace/{chatou.pk}/sites/nouveau/", form_data(chatou.communes.get(), MARSEILLE, is_public="on")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert OUTSIDE_CHATOU in body and 'id="id_latitude_error"' in body
    assert rows(Site.objects.all()) == before


def test_form_saves_a_point_inside_and_the_public_choice(chatou, admin, client):
    """A point in Chatou is saved; the « Site visible du public » box decides, checked or not."""
    login_as(client, admin)
    url = f"/espace/{chatou.pk}/sites/nouveau/"
    assert client.post(url, form_data(chatou.communes.get(), CHATOU_TOWN_HALL)).status_code == 302
    assert not Site.objects.get(name="Parking de la gare").is_public
    data = form_data(chatou.communes.get(), CHATOU_TOWN_HALL, name="Mairie", kind="town_hall", is_public="on")
    assert client.post(url, data).status_code == 302
    assert Site.objects.get(name="Mairie").is_public


def test_form_page_carries_the_map_and_no_geocoding_when_off(chatou, admin, client, settings):
    """The form page draws the commune's contour (json_script keyed by the select's values) for the map, and hides
    geocoding when BAN_GEOCODER_URL is empty."""
    settings.BAN_GEOCODER_URL = ""
    login_as(client, admin)
    response = client.get(f"/espace/{chatou.pk}/sites/nouveau/")
    body = response.content.decode()
    assert 'id="site-commune-contours"' in body and 'class="map site-map point-picker"' in body
    contours = response.context["commune_contours"]
    assert [f["properties"]["id"] for f in contours["features"]] == [str(chatou.communes.get().pk)]
    assert 'data-url=""' in body and "territory/point_picker.js" in body


def test_edit_form_keeps_the_public_choice(chatou, admin, client):
    """The edit form shows the site's public choice, and unchecking it makes the site private."""
    site = create(chatou, admin, CHATOU_TOWN_HALL)
    login_as(client, admin)
    url = f"/espace/sites/{site.pk}/modifier/"
    assert 'name="is_public" aria-describedby="id_is_public_helptext" id="id_is_public" checked' in (
        client.get(url).content.decode()
    )
    data = form_data(chatou.communes.get(), CHATOU_TOWN_HALL, name=site.name, kind="town_hall")
    assert client.post(url, data).status_code == 302
    site.refresh_from_db()
    assert not site.is_public


# --- the API -------------------------------------------------------------------------------------------------------


def test_api_refuses_a_point_outside_with_the_message(chatou, admin, client):
    """POST and PATCH /api/v1/sites/ answer 400 with the commune named on `latitude`; nothing written."""
    login_as(client, admin)
    payload = {
        "member": chatou.pk,
        "name": "Mairie",
        "kind": "town_hall",
        "address": "1 place Maurice Berteaux",
        "commune": "78146",
        "latitude": MARSEILLE[0],
        "longitude": MARSEILLE[1],
    }
    before = rows(Site.objects.all())
    response = client.post("/api/v1/sites/", payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["latitude"] == [OUTSIDE_CHATOU]
    assert rows(Site.objects.all()) == before
    payload |= {"latitude": CHATOU_TOWN_HALL[0], "longitude": CHATOU_TOWN_HALL[1]}
    created = client.post("/api/v1/sites/", payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["is_public"] is True
    before = rows(Site.objects.all())
    url = f"/api/v1/sites/{created.json()['id']}/"
    response = client.patch(url, {"latitude": MARSEILLE[0], "longitude": MARSEILLE[1]}, content_type="application/json")
    assert response.status_code == 400 and response.json()["latitude"] == [OUTSIDE_CHATOU]
    assert rows(Site.objects.all()) == before
