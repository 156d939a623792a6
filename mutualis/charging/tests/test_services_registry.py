"""Writes of the charging registry: stations, charge points, their AFIREV ids, assets and passwords."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied, ValidationError

from mutualis.assets.services import asset_create
from mutualis.charging.models import ChargePoint, Connector, Station
from mutualis.charging.services import registry
from mutualis.charging.tests import factories
from mutualis.core.models import AuditEntry

pytestmark = pytest.mark.django_db

STATION = {
    "id_station_itinerance": "FR*SYN*P92012001",
    "name": "Parking du marché",
    "address": "1 place du Marché, 92100 Boulogne-Billancourt",
    "latitude": 48.83,
    "longitude": 2.24,
}


def _asset(member, serial="SN-1", kind="charging_station"):
    return asset_create(
        member=member,
        site=None,
        kind=kind,
        designation="Borne 2×22 kW",
        serial_number=serial,
        delivered_on=datetime.date(2025, 1, 1),
        acting_user=None,
    )


def test_a_network_officer_registers_a_station_at_a_site_of_a_member_with_the_competence(world):
    """A station is registered at a site whose member transferred the EV charging competence; its printed AFIREV id
    is stored as IRVE writes it; the audit log has it."""
    officer = factories.network_officer()
    station = registry.station_create(site=world.site_b, acting_user=officer, **STATION)
    assert station.id_station_itinerance == "FRSYNP92012001" and station.commune == world.site_b.commune
    assert AuditEntry.objects.filter(action="charging.station_create", object_id=str(station.pk)).exists()


def test_a_station_needs_the_competence_and_a_valid_id(world):
    """A site of a member without the EV charging competence is refused, and so is an id of another operator;
    nothing is created."""
    officer = factories.network_officer()
    with pytest.raises(ValidationError) as exc:
        registry.station_create(
            site=world.site_a, acting_user=officer, **(STATION | {"id_station_itinerance": "FRA68P1"})
        )
    assert set(exc.value.message_dict) == {"site", "id_station_itinerance"}
    assert not Station.objects.exists()


@pytest.mark.parametrize("role", ["purchasing_officer", "member_manager"])
def test_only_network_officers_register_stations(world, role):
    """Other operator staff and members' users may not register stations; nothing changes."""
    user = factories.purchasing_officer() if role == "purchasing_officer" else world.other_member
    with pytest.raises(PermissionDenied):
        registry.station_create(site=world.site_b, acting_user=user, **STATION)
    assert not Station.objects.exists()


def test_a_charge_point_gets_its_connectors_and_a_hashed_password(world):
    """A charge point is registered with its connectors (and the whole-point connector 0) and, when given, its
    Basic auth password, kept only as a hash."""
    officer = factories.network_officer()
    station = registry.station_create(site=world.site_b, acting_user=officer, **STATION)
    point = registry.charge_point_create(
        station=station,
        acting_user=officer,
        password="a-long-enough-password",
        connectors=2,
        id_pdc_itinerance="FRSYNE920120011",
        ocpp_identity="SYN-BOU-01",
        power_kw=Decimal("22"),
        socket_type_2=True,
    )
    assert sorted(Connector.objects.filter(charge_point=point).values_list("connector_id", flat=True)) == [0, 1, 2]
    assert check_password("a-long-enough-password", point.password_hash)
    registry.charge_point_set_password(charge_point=point, password="", acting_user=officer)
    point.refresh_from_db()
    assert point.password_hash == ""


def test_charge_point_ids_identity_and_password_are_checked(world):
    """A charge point's id must be a « E » id of its station's operator, its identity unique whatever its case and
    a plain URL segment, its password 16 to 40 characters; nothing is created otherwise."""
    officer = factories.network_officer()
    station = factories.station_at(world.site_b)
    factories.ChargePointFactory(station=station, ocpp_identity="SYN-01")
    with pytest.raises(ValidationError) as exc:
        registry.charge_point_create(
            station=station,
            acting_user=officer,
            password="short",
            id_pdc_itinerance="FRSYNP0001",
            ocpp_identity="syn-01",
            power_kw=Decimal("22"),
        )
    assert set(exc.value.message_dict) == {"id_pdc_itinerance", "ocpp_identity", "password"}
    with pytest.raises(ValidationError) as exc:
        registry.charge_point_create(
            station=station,
            acting_user=officer,
            id_pdc_itinerance="FRSYNE0002",
            ocpp_identity="SYN 02",
            power_kw=Decimal("0"),
        )
    assert set(exc.value.message_dict) == {"ocpp_identity", "power_kw"}
    assert ChargePoint.objects.count() == 1


def test_a_station_links_to_a_charging_asset_of_its_member_only(world):
    """A station or point is linked to an asset of the same member that is a charging station, and to one only."""
    officer = factories.network_officer()
    own = _asset(world.member_b)
    other = _asset(world.member_a, serial="SN-2")
    camera = _asset(world.member_b, serial="SN-3", kind="camera")
    with pytest.raises(ValidationError) as exc:
        registry.station_create(site=world.site_b, acting_user=officer, asset=other, **STATION)
    assert "asset" in exc.value.message_dict
    with pytest.raises(ValidationError):
        registry.station_create(site=world.site_b, acting_user=officer, asset=camera, **STATION)
    station = registry.station_create(site=world.site_b, acting_user=officer, asset=own, **STATION)
    assert own.charging_station == station
    with pytest.raises(ValidationError):
        registry.charge_point_create(
            station=station,
            acting_user=officer,
            asset=own,
            id_pdc_itinerance="FRSYNE1",
            ocpp_identity="X1",
            power_kw=Decimal("7.4"),
        )


def test_a_station_update_keeps_its_member_and_its_points_operator_code(world):
    """A station cannot move to another member's site; its id keeps its points' operator code."""
    officer = factories.network_officer()
    station = factories.station_at(world.site_b)
    factories.ChargePointFactory(station=station)
    with pytest.raises(ValidationError) as exc:
        registry.station_update(station=station, acting_user=officer, site=world.site_a)
    assert "site" in exc.value.message_dict
    updated = registry.station_update(station=station, acting_user=officer, name="Nouveau nom", tariff=" 0,30 €/kWh ")
    assert (updated.name, updated.tariff) == ("Nouveau nom", "0,30 €/kWh")
