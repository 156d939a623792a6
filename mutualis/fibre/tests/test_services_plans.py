"""The deployment plan: plans per commune, yearly targets, PM zones and their commissioning."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mutualis.core.models import AuditEntry
from mutualis.fibre.choices import PM_ZONE_TRANSITIONS, PMZoneState
from mutualis.fibre.models import DeploymentPlan, PMZone, YearlyTarget
from mutualis.fibre.permissions import get_abilities
from mutualis.fibre.services import plans
from mutualis.fibre.tests.factories import (
    PlanFactory,
    PMZoneFactory,
    TargetFactory,
    network_officer,
    purchasing_officer,
)
from mutualis.members.testing import rows
from mutualis.members.tests.factories import commune

pytestmark = pytest.mark.django_db


def test_a_network_officer_puts_a_commune_in_the_plan():
    """A plan records the premises to serve and its contractor; the audit log keeps who did it."""
    officer = network_officer()
    plan = plans.plan_create(
        commune=commune("78686"), premises_planned=900, contractor="Titulaire", acting_user=officer
    )
    assert plan.commune.insee_code == "78686" and plan.premises_planned == 900
    assert AuditEntry.objects.get(action="fibre.plan_create").actor == officer


def test_a_commune_has_one_plan():
    """A second plan for the same commune is refused in French."""
    plan = PlanFactory()
    with pytest.raises(ValidationError) as refused:
        plans.plan_create(commune=plan.commune, premises_planned=10, acting_user=network_officer())
    assert refused.value.message_dict["commune"] == ["Cette commune a déjà un plan de déploiement."]


def test_other_staff_change_nothing_in_the_plan():
    """Purchasing officers read the plan but may not change it: PermissionDenied, nothing written."""
    plan = PlanFactory()
    before = rows(DeploymentPlan.objects.all())
    with pytest.raises(PermissionDenied):
        plans.plan_update(plan=plan, premises_planned=1, acting_user=purchasing_officer())
    with pytest.raises(PermissionDenied):
        plans.yearly_target_set(plan=plan, year=2026, premises=10, acting_user=purchasing_officer())
    assert rows(DeploymentPlan.objects.all()) == before and not YearlyTarget.objects.exists()


def test_yearly_targets_must_fit_the_premises_to_serve():
    """The sum of the yearly targets never exceeds the plan's premises; setting a year again replaces it, and 0
    removes it."""
    plan = PlanFactory(premises_planned=100)
    officer = network_officer()
    plans.yearly_target_set(plan=plan, year=2025, premises=60, acting_user=officer)
    with pytest.raises(ValidationError) as refused:
        plans.yearly_target_set(plan=plan, year=2026, premises=50, acting_user=officer)
    assert "dépassent les 100 locaux à desservir" in refused.value.message_dict["premises"][0]
    plans.yearly_target_set(plan=plan, year=2025, premises=40, acting_user=officer)
    plans.yearly_target_set(plan=plan, year=2026, premises=60, acting_user=officer)
    assert dict(plan.targets.values_list("year", "premises")) == {2025: 40, 2026: 60}
    plans.yearly_target_set(plan=plan, year=2026, premises=0, acting_user=officer)
    assert list(plan.targets.values_list("year", flat=True)) == [2025]


def test_lowering_the_premises_below_the_targets_is_refused():
    """A plan's premises may not drop under its targets' total."""
    target = TargetFactory(premises=80)
    with pytest.raises(ValidationError) as refused:
        plans.plan_update(plan=target.plan, premises_planned=50, acting_user=network_officer())
    assert "premises_planned" in refused.value.message_dict


def test_a_pm_zone_is_added_planned():
    """A new PM zone starts « prévue » with its planned date; its reference is unique."""
    officer = network_officer()
    zone = plans.pm_zone_create(
        commune=commune("78646"),
        reference=" PM-78646-01 ",
        premises_planned=300,
        planned_on=datetime.date(2026, 6, 1),
        acting_user=officer,
    )
    assert zone.state == PMZoneState.PLANNED and zone.reference == "PM-78646-01"
    with pytest.raises(ValidationError) as refused:
        plans.pm_zone_create(
            commune=commune("78646"),
            reference="PM-78646-01",
            premises_planned=1,
            planned_on=datetime.date(2026, 6, 1),
            acting_user=officer,
        )
    assert refused.value.message_dict["reference"] == ["Une zone PM porte déjà cette référence."]


@pytest.mark.parametrize("from_state", list(PM_ZONE_TRANSITIONS))
@pytest.mark.parametrize("to_state", list(PM_ZONE_TRANSITIONS))
def test_pm_zone_states_follow_the_transition_table(from_state, to_state):
    """A PM zone moves only to the states choices.PM_ZONE_TRANSITIONS allows; the others are refused and change
    nothing."""
    commissioned = datetime.date(2025, 3, 1) if from_state == PMZoneState.COMMISSIONED else None
    zone = PMZoneFactory(state=from_state, commissioned_on=commissioned)
    before = rows(PMZone.objects.filter(pk=zone.pk))
    on = datetime.date(2025, 5, 1) if to_state == PMZoneState.COMMISSIONED else None
    if to_state in PM_ZONE_TRANSITIONS[from_state]:
        moved = plans.pm_zone_transition(zone=zone, to_state=to_state, on=on, acting_user=network_officer())
        assert moved.state == to_state and moved.commissioned_on == on
    else:
        with pytest.raises(ValidationError):
            plans.pm_zone_transition(zone=zone, to_state=to_state, on=on, acting_user=network_officer())
        assert rows(PMZone.objects.filter(pk=zone.pk)) == before


def test_a_commissioning_needs_a_past_date():
    """Commissioning a PM zone needs its date, and not a future one."""
    zone = PMZoneFactory(state=PMZoneState.IN_PROGRESS, commissioned_on=None)
    officer = network_officer()
    with pytest.raises(ValidationError) as refused:
        plans.pm_zone_transition(zone=zone, to_state=PMZoneState.COMMISSIONED, acting_user=officer)
    assert refused.value.message_dict["on"] == ["Indiquez la date de mise en service."]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        plans.pm_zone_transition(zone=zone, to_state=PMZoneState.COMMISSIONED, on=tomorrow, acting_user=officer)
    moved = plans.pm_zone_transition(
        zone=zone, to_state=PMZoneState.COMMISSIONED, on=timezone.localdate(), acting_user=officer
    )
    assert moved.commissioned_on == timezone.localdate()
    assert AuditEntry.objects.get(action="fibre.pm_zone_transition").after["state"] == "commissioned"


def test_abilities_follow_the_role_and_the_transition_table():
    """Network officers may move a zone to the table's next states; other staff only read it."""
    zone = PMZoneFactory(state=PMZoneState.IN_PROGRESS, commissioned_on=None)
    officer = get_abilities(network_officer(), zone)
    assert officer["transition"] and officer["transitions"] == ["abandoned", "commissioned"]
    reader = get_abilities(purchasing_officer(), zone)
    assert reader["view"] and not reader["update"] and not reader["transition"]
