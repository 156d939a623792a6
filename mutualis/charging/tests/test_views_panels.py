"""The « Recharge » panels: the asset page of a borne shows its station's points; the commune page its stations."""

import datetime

import pytest
from django.test import Client

from mutualis.assets.services import asset_create
from mutualis.charging.tests import factories
from mutualis.core.testing import login_as

pytestmark = pytest.mark.django_db


def test_the_asset_and_commune_pages_show_the_charging_panels(world):
    """A borne's asset page shows « Recharge » with its points to its member and staff; Versailles' commune page
    lists its published station."""
    factories.with_ev_charging(world.member_a)
    asset = asset_create(
        member=world.member_a,
        site=world.site_a,
        kind="charging_station",
        designation="Borne 2 × 22 kW",
        serial_number="BP-1",
        delivered_on=datetime.date(2025, 1, 1),
        acting_user=None,
    )
    station = factories.station_at(world.site_a, name="Place Hoche", asset=asset)
    factories.ChargePointFactory(station=station, ocpp_identity="SYN-PANEL-1")
    for user in (world.reader, world.staff):
        html = login_as(Client(), user).get(f"/equipements/{asset.pk}/").content.decode()
        assert "Recharge" in html and "SYN-PANEL-1" in html
    page = Client().get("/territoire/communes/78646/").content.decode()
    assert "Bornes de recharge" in page and "Place Hoche" in page
