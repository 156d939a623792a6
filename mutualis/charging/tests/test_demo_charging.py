"""The demo network: stations with two 22 kW points (Type 2S, Type E/F) and assets, history, the free points and
the demo badge; loading twice adds nothing."""

import pytest
from django.core.management import call_command

from mutualis.charging import demo
from mutualis.charging.models import ChargePoint, ChargingSession, IdTag, Station

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_with_its_fixed_identities(world):
    """Versailles and Boulogne (the world's communes) get a station each with two points, sessions with readings;
    the test station has SYN-LIBRE-01 (1.6J) and SYN-LIBRE-201 (2.0.1); BADGE-DEMO-01 is accepted."""
    call_command("load_demo_charging", verbosity=0)
    versailles = Station.objects.get(id_station_itinerance="FRSYNP7864601")
    points = list(versailles.charge_points.order_by("id_pdc_itinerance"))
    assert [(p.power_kw, p.socket_type_2, p.socket_type_ef) for p in points] == [(22, True, False), (22, False, True)]
    assert versailles.asset is not None and versailles.asset.kind == "charging_station"
    assert ChargingSession.objects.filter(charge_point__station=versailles).exists()
    assert ChargePoint.objects.get(ocpp_identity=demo.FREE_16).ocpp_version == "1.6"
    assert ChargePoint.objects.get(ocpp_identity=demo.FREE_201).ocpp_version == "2.0.1"
    assert IdTag.objects.get(id_tag=demo.DEMO_TAG).status == "Accepted"
    counts = (Station.objects.count(), ChargingSession.objects.count())
    call_command("load_demo_charging", verbosity=0)
    assert (Station.objects.count(), ChargingSession.objects.count()) == counts
