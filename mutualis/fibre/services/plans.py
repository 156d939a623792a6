"""Writes of the deployment plan: plans per commune, yearly targets, PM zones and their commissioning.

Network officers (and administrators) only; every change is in the audit log. A PM zone moves along
choices.PM_ZONE_TRANSITIONS through `pm_zone_transition`, the one place that sets its state.
"""

import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, snapshot, update_audited
from mutualis.core.validation import Errors
from mutualis.fibre.choices import PM_ZONE_TRANSITIONS, PMZoneState
from mutualis.fibre.models import DeploymentPlan, PMZone, YearlyTarget
from mutualis.fibre.services.imports import require_fibre_manager
from mutualis.territory.models import Commune


def _check_targets_fit(plan: DeploymentPlan, errors: Errors, *, field: str, extra: int = 0, year: int = 0) -> None:
    others = YearlyTarget.objects.filter(plan=plan).exclude(year=year).aggregate(total=Sum("premises"))["total"] or 0
    if plan.pk and others + extra > plan.premises_planned:
        errors.add(
            field,
            _("Les objectifs annuels (%(total)s locaux) dépassent les %(planned)s locaux à desservir.")
            % {"total": others + extra, "planned": plan.premises_planned},
        )


@transaction.atomic
def plan_create(
    *, commune: Commune, premises_planned: int, acting_user: User, contractor: str = "", notes: str = ""
) -> DeploymentPlan:
    """Put a commune in the deployment plan with the premises to serve."""
    require_fibre_manager(acting_user)
    plan = DeploymentPlan(commune=commune, premises_planned=premises_planned, contractor=contractor, notes=notes)
    errors = Errors()
    if DeploymentPlan.objects.filter(commune=commune).exists():
        errors.add("commune", _("Cette commune a déjà un plan de déploiement."))
    errors.full_clean(plan, validate_unique=False)
    errors.raise_if_any()
    plan.save()
    audit_record(actor=acting_user, action="fibre.plan_create", obj=plan, after=snapshot(plan))
    return plan


@transaction.atomic
def plan_update(
    *, plan: DeploymentPlan, premises_planned: int, acting_user: User, contractor: str = "", notes: str = ""
) -> DeploymentPlan:
    """Change the premises to serve, the contractor or the notes of a plan (targets must still fit)."""
    require_fibre_manager(acting_user)
    return update_audited(
        plan,
        acting_user=acting_user,
        action="fibre.plan_update",
        changes={"premises_planned": premises_planned, "contractor": contractor, "notes": notes},
        allowed=("premises_planned", "contractor", "notes"),
        check=lambda row, errors: _check_targets_fit(row, errors, field="premises_planned"),
    )


@transaction.atomic
def yearly_target_set(*, plan: DeploymentPlan, year: int, premises: int, acting_user: User) -> YearlyTarget | None:
    """Set how many premises the plan makes connectable in `year` (0 removes the year's target)."""
    require_fibre_manager(acting_user)
    plan = DeploymentPlan.objects.select_for_update().get(pk=plan.pk)
    target = YearlyTarget.objects.filter(plan=plan, year=year).first() or YearlyTarget(plan=plan, year=year)
    before = {"year": year, "premises": target.premises if target.pk else None}
    if not premises:
        if target.pk:
            target.delete()
            audit_record(actor=acting_user, action="fibre.target_remove", obj=plan, before=before)
        return None
    target.premises = premises
    errors = Errors()
    errors.full_clean(target, validate_unique=False, validate_constraints=False)
    _check_targets_fit(plan, errors, field="premises", extra=premises, year=year)
    errors.raise_if_any()
    target.save()
    audit_record(
        actor=acting_user,
        action="fibre.target_set",
        obj=plan,
        before=before,
        after={"year": year, "premises": premises},
    )
    return target


def _check_zone(zone: PMZone) -> None:
    errors = Errors()
    errors.full_clean(zone)
    errors.raise_if_any()


@transaction.atomic
def pm_zone_create(
    *,
    commune: Commune,
    reference: str,
    premises_planned: int,
    planned_on: datetime.date,
    acting_user: User,
) -> PMZone:
    """Add a PM zone to the plan, planned for a date (its state starts at « prévue »)."""
    require_fibre_manager(acting_user)
    zone = PMZone(
        commune=commune, reference=reference.strip(), premises_planned=premises_planned, planned_on=planned_on
    )
    _check_zone(zone)
    zone.save()
    audit_record(actor=acting_user, action="fibre.pm_zone_create", obj=zone, after=snapshot(zone))
    return zone


@transaction.atomic
def pm_zone_update(*, zone: PMZone, premises_planned: int, planned_on: datetime.date, acting_user: User) -> PMZone:
    """Change a PM zone's premises or its planned date (a late PM keeps being flagged against the new date)."""
    require_fibre_manager(acting_user)
    return update_audited(
        zone,
        acting_user=acting_user,
        action="fibre.pm_zone_update",
        changes={"premises_planned": premises_planned, "planned_on": planned_on},
        allowed=("premises_planned", "planned_on"),
    )


@transaction.atomic
def pm_zone_transition(
    *, zone: PMZone, to_state: str, acting_user: User, on: datetime.date | None = None, reason: str = ""
) -> PMZone:
    """Move a PM zone to its next state (choices.PM_ZONE_TRANSITIONS); commissioning needs its date, not in the
    future: the zone's deployed addresses are connectable from then."""
    require_fibre_manager(acting_user)
    zone = PMZone.objects.select_for_update().get(pk=zone.pk)
    errors = Errors()
    if to_state not in PM_ZONE_TRANSITIONS.get(zone.state, set()):
        labels = dict(PMZoneState.choices)
        errors.add(
            "to_state",
            _("Une zone PM « %(from)s » ne passe pas à « %(to)s ».")
            % {"from": labels[zone.state], "to": labels.get(to_state, to_state)},
        )
        errors.raise_if_any()
    if to_state == PMZoneState.COMMISSIONED:
        if on is None:
            errors.add("on", _("Indiquez la date de mise en service."))
        elif on > timezone.localdate():
            errors.add("on", _("La date de mise en service ne peut pas être dans le futur."))
    errors.raise_if_any()
    before = zone.state
    zone.state = to_state
    zone.commissioned_on = on if to_state == PMZoneState.COMMISSIONED else None
    _check_zone(zone)
    zone.save(update_fields=["state", "commissioned_on", "updated_at"])
    audit_record(
        actor=acting_user,
        action="fibre.pm_zone_transition",
        obj=zone,
        before={"state": before},
        after={"state": to_state, "commissioned_on": zone.commissioned_on},
        reason=reason,
    )
    return zone
