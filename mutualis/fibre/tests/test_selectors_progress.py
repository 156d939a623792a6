"""Progress of the deployment: connectable and connected premises, targets by quarter, late PM zones, scoping."""

import datetime

import pytest

from mutualis.fibre.choices import AddressState, PMZoneState
from mutualis.fibre.selectors import plans as selectors
from mutualis.fibre.selectors import progress
from mutualis.fibre.tests.factories import AddressFactory, PlanFactory, PMZoneFactory, TargetFactory
from mutualis.members.choices import MemberKind, MemberRole
from mutualis.members.tests.factories import MemberFactory, MembershipFactory, commune, departement, intercommunality

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 12, 31)


def test_premises_are_connectable_once_deployed_and_their_pm_commissioned():
    """Connectable premises: deployed addresses whose PM zone is commissioned, counted from the later date; an
    address deployed behind a PM not yet commissioned is not connectable."""
    commissioned = PMZoneFactory(commissioned_on=datetime.date(2025, 3, 1))
    waiting = PMZoneFactory(state=PMZoneState.IN_PROGRESS, commissioned_on=None)
    AddressFactory(pm_zone=commissioned, dwellings=3, cabled_on=datetime.date(2025, 1, 10))
    AddressFactory(pm_zone=commissioned, dwellings=1, business_premises=1, cabled_on=datetime.date(2025, 6, 1))
    AddressFactory(pm_zone=waiting, dwellings=5)
    AddressFactory(pm_zone=commissioned, dwellings=2, state=AddressState.IN_PROGRESS, cabled_on=None)
    versailles = commissioned.commune.pk
    assert progress.commune_progress(communes=[versailles], day=datetime.date(2025, 2, 1))[versailles].connectable == 0
    assert progress.commune_progress(communes=[versailles], day=datetime.date(2025, 3, 1))[versailles].connectable == 3
    figures = progress.commune_progress(communes=[versailles], day=DAY)[versailles]
    assert figures.connectable == 5 and figures.counted == 12


def test_connected_premises_are_those_with_a_subscription():
    """Premises are connected once a subscription is reported; abandoned addresses are not counted at all."""
    zone = PMZoneFactory()
    AddressFactory(pm_zone=zone, dwellings=2, connected_on=datetime.date(2025, 5, 1))
    AddressFactory(pm_zone=zone, dwellings=1)
    AddressFactory(pm_zone=zone, dwellings=4, state=AddressState.ABANDONED, cabled_on=None)
    figures = progress.commune_progress(communes=[zone.commune.pk], day=DAY)[zone.commune.pk]
    assert (figures.counted, figures.connectable, figures.connected) == (3, 3, 2)
    assert figures.take_up == 66.7


def test_the_rate_is_against_the_plan_when_there_is_one():
    """The share connectable is against the plan's premises to serve, else against those counted."""
    plan = PlanFactory(premises_planned=10)
    AddressFactory(pm_zone=PMZoneFactory(commune=plan.commune), dwellings=4)
    figures = progress.commune_progress(communes=[plan.commune.pk], day=DAY)[plan.commune.pk]
    assert figures.to_serve == 10 and figures.rate == 40.0 and figures.coverage_class == "c3"


def test_quarters_cumulate_against_the_yearly_targets():
    """Each quarter shows the cumulated target (a year's target spread over its quarters), connectable and connected
    premises; quarters after the day are still to come."""
    plan = PlanFactory(premises_planned=100)
    TargetFactory(plan=plan, year=2025, premises=40)
    TargetFactory(plan=plan, year=2026, premises=60)
    zone = PMZoneFactory(commune=plan.commune, commissioned_on=datetime.date(2025, 3, 1))
    AddressFactory(pm_zone=zone, dwellings=10, cabled_on=datetime.date(2025, 1, 10))
    AddressFactory(
        pm_zone=zone, dwellings=5, cabled_on=datetime.date(2025, 8, 1), connected_on=datetime.date(2025, 9, 1)
    )
    series = progress.quarterly_series(communes=[plan.commune.pk], day=datetime.date(2025, 10, 15))
    by_label = {row["label"]: row for row in series}
    assert [row["label"] for row in series][:2] == ["T1 2025", "T2 2025"] and series[-1]["label"] == "T4 2026"
    assert (by_label["T1 2025"]["target"], by_label["T1 2025"]["connectable"]) == (10, 10)
    assert (by_label["T3 2025"]["target"], by_label["T3 2025"]["connectable"], by_label["T3 2025"]["connected"]) == (
        30,
        15,
        5,
    )
    assert by_label["T3 2025"]["gap"] == -15
    assert by_label["T4 2025"]["connectable"] == 15
    assert by_label["T1 2026"]["connectable"] is None and by_label["T4 2026"]["target"] == 100


def test_late_pm_zones_are_open_ones_past_their_date():
    """A PM zone is late once its planned date passed while it is planned or in progress; commissioned or
    abandoned ones are not."""
    late = PMZoneFactory(state=PMZoneState.IN_PROGRESS, commissioned_on=None, planned_on=datetime.date(2025, 6, 1))
    PMZoneFactory(state=PMZoneState.PLANNED, commissioned_on=None, planned_on=datetime.date(2026, 6, 1))
    PMZoneFactory(state=PMZoneState.ABANDONED, commissioned_on=None, planned_on=datetime.date(2025, 1, 1))
    PMZoneFactory(planned_on=datetime.date(2025, 1, 1))
    assert list(progress.late_pm_zones(day=DAY)) == [late]
    assert late.days_late(DAY) == 213
    figures = progress.commune_progress(communes=[late.commune.pk], day=DAY)[late.commune.pk]
    assert (figures.pm_zones, figures.pm_commissioned, figures.pm_late) == (3, 1, 1)


def test_progress_adds_up_by_epci_and_departement():
    """Rows add up per département and per EPCI."""
    versailles = PlanFactory(commune=commune("78646"), premises_planned=10)
    viroflay = PlanFactory(commune=commune("78686"), premises_planned=30)
    rows = progress.progress_rows(plans=[versailles, viroflay], day=DAY)
    [by_departement] = progress.grouped(rows, "departement")
    [by_epci] = progress.grouped(rows, "epci")
    assert by_departement["progress"].to_serve == by_epci["progress"].to_serve == 40
    assert by_epci["progress"].communes == 2 and by_epci["place"].siren == "247800584"


def test_a_members_communes_follow_its_kind():
    """A commune member covers its commune, an EPCI member its member communes, a département member all of its
    communes; an establishment its own commune."""
    versailles, viroflay, boulogne = commune("78646"), commune("78686"), commune("92012")
    cases = [
        (MemberFactory(kind=MemberKind.COMMUNE, communes=[versailles]), {versailles}),
        (
            MemberFactory(
                kind=MemberKind.INTERCOMMUNALITY, intercommunality=intercommunality("247800584"), communes=[]
            ),
            {versailles, viroflay},
        ),
        (MemberFactory(kind=MemberKind.DEPARTEMENT, departement=departement("92"), communes=[]), {boulogne}),
        (MemberFactory(communes=[viroflay]), {viroflay}),
    ]
    for member, expected in cases:
        membership = MembershipFactory(member=member, role=MemberRole.READER)
        ids = set(selectors.member_commune_ids(user=membership.user).values_list("pk", flat=True))
        assert ids == {c.pk for c in expected}, member.kind


def test_pm_zones_are_read_by_staff_and_the_members_of_their_commune(world):
    """Staff read every PM zone; a member's users only their communes'; anonymous visitors none."""
    from django.contrib.auth.models import AnonymousUser

    versailles_zone = PMZoneFactory(commune=world.site_a.commune)
    boulogne_zone = PMZoneFactory(commune=world.site_b.commune)
    assert set(selectors.pm_zone_list(user=world.staff)) == {versailles_zone, boulogne_zone}
    assert list(selectors.pm_zone_list(user=world.reader)) == [versailles_zone]
    assert list(selectors.pm_zone_list(user=world.other_member)) == [boulogne_zone]
    assert not selectors.pm_zone_list(user=AnonymousUser()).exists()


def test_addresses_and_imports_are_staff_only(world):
    """The address base and the import history are the operator's: members' users and visitors see none."""
    AddressFactory()
    assert selectors.address_list(user=world.staff).count() == 1
    assert not selectors.address_list(user=world.manager).exists()
    assert not selectors.import_list(user=world.manager).exists()
