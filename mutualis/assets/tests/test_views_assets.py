"""The equipment fleet: transitions, moves, scoping, pages, exports and API with role matrices."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from openpyxl import load_workbook

from mutualis.assets import selectors, services
from mutualis.assets.choices import AssetKind, AssetStatus
from mutualis.assets.models import Asset, AssetEvent
from mutualis.assets.tests.factories import AssetFactory
from mutualis.core import panels
from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.members.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
ALL_SEE = {"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}
A_SEES = {"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200}


@pytest.fixture
def fleet(world):
    """Two tablets of member A (serials A-0/1) and one of member B, received today."""
    for serial in ("A-0", "A-1"):
        AssetFactory(member=world.member_a, site=world.site_a, serial_number=serial, acting_user=world.agent)
    AssetFactory(member=world.member_b, site=world.site_b, serial_number="B-0", acting_user=world.other_member)
    return Asset.objects.filter(member=world.member_a).order_by("pk")


def test_allowed_and_refused_transitions(world, fleet):
    """in stock → in service → retired is allowed (events and audit); a retired asset never changes again."""
    asset = fleet[0]
    asset = services.asset_transition(asset=asset, to_status=AssetStatus.IN_SERVICE, acting_user=world.agent)
    asset = services.asset_transition(asset=asset, to_status=AssetStatus.RETIRED, acting_user=world.agent, note="HS")
    assert list(asset.events.values_list("kind", flat=True)) == ["delivered", "status", "status"]
    with pytest.raises(ValidationError) as exc:
        services.asset_transition(asset=asset, to_status=AssetStatus.IN_STOCK, acting_user=world.agent)
    assert "ne peut pas passer" in str(exc.value)
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.RETIRED


def test_lent_cannot_be_retired_directly(world, fleet):
    """A lent asset comes back (stock, service or repair) before being retired."""
    asset = services.asset_transition(asset=fleet[0], to_status=AssetStatus.LENT, acting_user=world.agent)
    with pytest.raises(ValidationError):
        services.asset_transition(asset=asset, to_status=AssetStatus.RETIRED, acting_user=world.agent)


def test_move_only_within_member(world, fleet):
    """An asset moves to another site of its member, never to another member's site."""
    other_site = SiteFactory(member=world.member_a, name="École Jean-Jaurès")
    asset = services.asset_move(asset=fleet[0], site=other_site, acting_user=world.manager)
    assert asset.site == other_site and asset.events.filter(kind="moved").exists()
    with pytest.raises(ValidationError):
        services.asset_move(asset=asset, site=world.site_b, acting_user=world.manager)


def test_selectors_are_scoped(world, fleet):
    """Members' users see their members' assets; staff see all; another member's asset is 404."""
    from django.http import Http404

    assert selectors.asset_list(user=world.reader).count() == 2
    assert selectors.asset_list(user=world.staff).count() == 3
    with pytest.raises(Http404):
        selectors.asset_get(user=world.other_member, pk=fleet[0].pk)
    assert selectors.asset_list(user=world.staff, filters={"q": fleet[0].serial_number}).count() == 1
    assert selectors.asset_list(user=world.staff, filters={"warranty": "30"}).count() == 0
    assert (
        selectors.asset_list(user=world.staff, filters={"status": "in_stock", "member": world.member_b.pk}).count() == 1
    )


def test_pages_matrix(world, fleet):
    """List and exports for every signed-in user (scoped); the asset page is 404 for another member."""
    for url in ("/equipements/", "/equipements/export.csv", "/equipements/export.xlsx"):
        assert_role_matrix(world, method="get", url=url, expected=ALL_SEE)
    assert_role_matrix(world, method="get", url=f"/equipements/{fleet[0].pk}/", expected=A_SEES)


def test_transition_page_matrix(world, fleet):
    """Agents, managers and purchasing staff change statuses; readers 403; another member 404."""
    asset = fleet[0]
    targets = {"agent": "in_service", "manager": "in_stock", "staff": "in_repair"}
    assert_role_matrix(
        world,
        method="post",
        url=f"/equipements/{asset.pk}/statut/",
        data=lambda role: {"to_status": targets.get(role, "in_service")},
        expected={"other_member": 404, "reader": 403, "agent": 302, "manager": 302, "staff": 302},
        state=lambda: (rows(Asset.objects.all()), rows(AssetEvent.objects.all())),
    )
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.IN_REPAIR


def test_retire_needs_confirmation(world, fleet, client):
    """Retiring shows a confirmation page; without the box ticked: 400 and nothing changes."""
    asset = fleet[0]
    login_as(client, world.manager)
    assert "Confirmer" in client.get(f"/equipements/{asset.pk}/statut/?to_status=retired").content.decode()
    response = client.post(f"/equipements/{asset.pk}/statut/", {"to_status": "retired"})
    assert response.status_code == 400 and Asset.objects.get(pk=asset.pk).status == AssetStatus.IN_STOCK
    client.post(f"/equipements/{asset.pk}/statut/", {"to_status": "retired", "confirm": "on"})
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.RETIRED


def test_move_page_matrix(world, fleet):
    """Agents, managers and staff move assets between the member's sites."""
    asset = fleet[0]
    site = SiteFactory(member=world.member_a, name="Médiathèque")
    assert_role_matrix(
        world,
        method="post",
        url=f"/equipements/{asset.pk}/deplacer/",
        data={"site": site.pk},
        expected={"other_member": 404, "reader": 403, "agent": 302, "manager": 302, "staff": 302},
        state=lambda: rows(Asset.objects.all()),
    )


def test_list_search_and_exports(world, fleet, client):
    """Search by serial number; CSV and XLSX export the filtered list only."""
    login_as(client, world.reader)
    serial = fleet[0].serial_number
    page = client.get("/equipements/", {"q": serial}).content.decode()
    assert serial in page and fleet[1].serial_number not in page
    csv_text = client.get("/equipements/export.csv", {"q": serial}).content.decode("utf-8-sig")
    assert len(csv_text.strip().splitlines()) == 2 and serial in csv_text
    workbook = load_workbook(io.BytesIO(client.get("/equipements/export.xlsx").content))
    assert workbook.active.max_row == 3  # header + member A's two assets


def test_api_matrix(world, fleet):
    """/api/v1/assets/: scoped list and retrieve; POST transition for agents, managers and staff."""
    asset = fleet[0]
    assert_role_matrix(world, method="get", url="/api/v1/assets/", api=True, expected=ALL_SEE)
    assert_role_matrix(world, method="get", url=f"/api/v1/assets/{asset.pk}/", api=True, expected=A_SEES)
    assert_role_matrix(world, method="get", url=f"/api/v1/assets/{asset.pk}/events/", api=True, expected=A_SEES)
    targets = {"agent": "in_service", "manager": "in_stock", "staff": "lent"}
    assert_role_matrix(
        world,
        method="post",
        url=f"/api/v1/assets/{asset.pk}/transition/",
        api=True,
        data=lambda role: {"to_status": targets.get(role, "in_service")},
        expected={"other_member": 404, "reader": 403, "agent": 200, "manager": 200, "staff": 200},
        state=lambda: rows(Asset.objects.all()),
    )
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.LENT


def test_api_refused_transition_400(world, fleet, client):
    """A transition not allowed answers 400 with the French message."""
    asset = services.asset_transition(asset=fleet[0], to_status=AssetStatus.LENT, acting_user=world.agent)
    login_as(client, world.agent)
    response = client.post(
        f"/api/v1/assets/{asset.pk}/transition/", {"to_status": "retired"}, content_type="application/json"
    )
    assert response.status_code == 400 and "ne peut pas passer" in str(response.json())


def test_retire_confirmation_page_matrix(world, fleet):
    """The confirmation page of a retirement: agents, managers and purchasing staff; readers 403; member B 404."""
    assert_role_matrix(
        world,
        method="get",
        url=f"/equipements/{fleet[0].pk}/statut/?to_status=retired",
        expected={"other_member": 404, "reader": 403, "agent": 200, "manager": 200, "staff": 200},
    )


def test_create_keeps_what_the_asset_is(world):
    """A received asset keeps its kind, designation, model and price, is in stock, warranty from its delivery."""
    asset = services.asset_create(
        member=world.member_a,
        site=world.site_a,
        kind=AssetKind.CAMERA,
        designation=" Caméra dôme 4K extérieure ",
        manufacturer="Axis",
        reference="CAM-DOME",
        serial_number=" CAM-001 ",
        purchase_price_ht=Decimal("740"),
        delivered_on=datetime.date(2026, 1, 31),
        warranty_months=36,
        acting_user=world.agent,
    )
    asset.refresh_from_db()
    assert (asset.kind, asset.designation, asset.manufacturer, asset.reference, asset.serial_number) == (
        "camera",
        "Caméra dôme 4K extérieure",
        "Axis",
        "CAM-DOME",
        "CAM-001",
    )
    assert (asset.status, asset.purchase_price_ht, asset.warranty_end) == (
        AssetStatus.IN_STOCK,
        Decimal("740"),
        datetime.date(2029, 1, 31),
    )
    assert list(asset.events.values_list("kind", "acting_user")) == [("delivered", world.agent.pk)]


def test_serial_number_is_unique_per_model_across_the_fleet(world):
    """The same serial number of the same model is refused, even for another member; another model may reuse it."""
    AssetFactory(member=world.member_a, reference="CAM-DOME", serial_number="X1")
    with pytest.raises(ValidationError):
        AssetFactory(member=world.member_b, reference="CAM-DOME", serial_number="X1")
    AssetFactory(member=world.member_b, reference="CAM-PTZ", serial_number="X1")
    taken = selectors.serial_numbers_in_fleet(
        serial_numbers=["X1", "X2"], reference="CAM-DOME", manufacturer="Fabricant Exemple"
    )
    assert taken == ["X1"]
    assert Asset.objects.filter(serial_number="X1").count() == 2


def test_kind_filter_and_export_columns(world, fleet, client):
    """The list filters by kind; the export names each asset's designation, model and kind."""
    AssetFactory(member=world.member_a, kind=AssetKind.LAPTOP, designation="Ordinateur portable 14 pouces")
    assert selectors.asset_list(user=world.reader, filters={"kind": "laptop"}).count() == 1
    login_as(client, world.reader)
    page = client.get("/equipements/", {"kind": "tablet"}).content.decode()
    assert fleet[0].serial_number in page and "Ordinateur portable 14 pouces" not in page
    header, *lines = client.get("/equipements/export.csv").content.decode("utf-8-sig").strip().splitlines()
    assert header.split(";")[2:6] == ["Désignation", "Fabricant", "Référence", "Nature"]
    assert any(";Ordinateur portable 14 pouces;Fabricant Exemple;TAB-10;Ordinateur portable;" in line for line in lines)


def test_registered_asset_panels_show_on_the_asset_page(world, fleet, client, monkeypatch):
    """A panel another app registers appears on the asset page, with what it knows of that asset only."""
    monkeypatch.setattr(panels, "_asset_panels", [])

    def dummy_panel(asset, request):
        if asset.pk != fleet[0].pk:
            return ""
        return format_html('<section class="dummy-panel"><h2>Supervision</h2><p>{}</p></section>', asset.serial_number)

    panels.register_asset_panel(dummy_panel, order=1)
    login_as(client, world.reader)
    first = client.get(f"/equipements/{fleet[0].pk}/").content.decode()
    second = client.get(f"/equipements/{fleet[1].pk}/").content.decode()
    assert '<section class="dummy-panel"><h2>Supervision</h2><p>A-0</p></section>' in first
    assert "dummy-panel" not in second
