"""`manage.py load_demo_fibre`: a plausible deployment of the rural Yvelines, deterministic and idempotent."""

import datetime
import io

import pytest
from django.core.management import call_command

from mutualis.fibre import demo
from mutualis.fibre.choices import ImportStatus
from mutualis.fibre.models import Address, DeploymentPlan, FibreImport, PMZone, YearlyTarget
from mutualis.fibre.selectors import progress
from mutualis.fibre.selectors.plans import plan_list

pytestmark = pytest.mark.django_db


def counts():
    return tuple(model.objects.count() for model in (DeploymentPlan, YearlyTarget, PMZone, Address, FibreImport))


def test_the_demo_deploys_the_rural_yvelines_with_a_year_of_imports(territory):
    """More than a hundred rural communes of the Yvelines, most mostly deployed, about the premises asked for, late
    PM zones, a year of import history with a refused file; a second run adds nothing."""
    call_command("load_demo_fibre", "--premises", "20000", stdout=io.StringIO())
    first = counts()
    call_command("load_demo_fibre", stdout=io.StringIO())
    assert counts() == first
    plans = plan_list()
    assert plans.count() > 100
    assert set(plans.values_list("commune__departement__code", flat=True)) == {"78"}
    assert max(plans.values_list("commune__population", flat=True)) < demo.RURAL_POPULATION
    rows = progress.progress_rows(plans=plans)
    totals = progress.total(rows)
    assert 19_000 <= totals.to_serve <= 23_000
    assert sum(1 for row in rows if (row["progress"].rate or 0) >= 80) > 100
    assert 0 < totals.connected < totals.connectable
    assert progress.late_pm_zones().exists()
    history = FibreImport.objects.order_by("started_at")
    assert history.filter(status=ImportStatus.FAILED).count() == 1
    assert (history.last().started_at - history.first().started_at).days > 300
    assert not Address.objects.filter(last_import__isnull=True).exists()


def test_the_demo_network_is_the_same_every_time():
    """The same communes, premises, seed and day draw the same network, address for address."""
    communes = [("78001", "Une", 1000), ("78002", "Deux", 3000)]
    day = datetime.date(2026, 6, 1)

    def draw():
        network = demo.build_network(communes, premises=2000, today=day)
        return [zone.reference for c in network for zone in c.zones], list(demo.addresses(network, today=day))

    assert draw() == draw()
    zones, addresses = draw()
    assert sum(a["dwellings"] + a["business_premises"] for a in addresses) == 2000
    assert all(a["connected_on"] is None or a["connected_on"] >= a["cabled_on"] for a in addresses)
    assert all(a["state"] == "DE" or a["connected_on"] is None for a in addresses)


def test_the_demo_history_never_ends_in_the_future(territory, monkeypatch):
    """Loaded on the 2nd of a month, the demo's latest import is not dated the 5th still to come."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 12, 2))
    call_command("load_demo_fibre", "--premises", "2000", stdout=io.StringIO())
    latest = FibreImport.objects.latest("started_at")
    assert latest.started_at.date() <= datetime.date(2026, 12, 2)
    assert latest.updated_at.date() <= datetime.date(2026, 12, 2)
