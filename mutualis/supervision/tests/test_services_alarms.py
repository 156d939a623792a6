"""The alarm workflow: explicit statuses, qualification required to close, police only after a levée de doute,
escalation on schedule, technical faults to the fleet, anomaly detection."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.assets.choices import AssetStatus
from mutualis.assets.tests.factories import AssetFactory
from mutualis.members.testing import rows
from mutualis.supervision.choices import AlarmStatus, TechnicalKind
from mutualis.supervision.models import Alarm, DeviceActivity, EscalationStep, PoliceCall, TimelineEntry
from mutualis.supervision.services import alarms as services
from mutualis.supervision.services.ingestion import ingest_events
from mutualis.supervision.tests.factories import (
    AlarmFactory,
    DeviceFactory,
    EscalationContactFactory,
    HabilitationFactory,
    supervision_operator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return supervision_operator()


@pytest.fixture
def alarm(operator):
    alarm = AlarmFactory()
    HabilitationFactory(protected_site=alarm.protected_site, user=operator)
    return alarm


def _state():
    return (rows(Alarm.objects.all()), TimelineEntry.objects.count(), PoliceCall.objects.count())


def test_claim_moves_new_to_in_progress_and_acknowledges(alarm, operator):
    """Claiming a new alarm puts it in progress, acknowledges it (no more escalation) and writes the timeline."""
    alarm = services.alarm_claim(alarm=alarm, acting_user=operator)
    assert (alarm.status, alarm.claimed_by, alarm.acknowledged_by, alarm.next_escalation_at) == (
        AlarmStatus.IN_PROGRESS,
        operator,
        operator,
        None,
    )
    assert alarm.timeline.filter(kind="claimed").exists()


def test_hold_then_resume(alarm, operator):
    """In progress → on hold (with its reason) → in progress."""
    services.alarm_claim(alarm=alarm, acting_user=operator)
    alarm = services.alarm_hold(alarm=alarm, reason="Patrouille en route", acting_user=operator)
    assert alarm.status == AlarmStatus.ON_HOLD
    assert services.alarm_resume(alarm=alarm, acting_user=operator).status == AlarmStatus.IN_PROGRESS


def test_new_alarm_cannot_be_put_on_hold(alarm, operator):
    """New → on hold is not a transition (take it in hand first); nothing changes."""
    before = _state()
    with pytest.raises(ValidationError):
        services.alarm_hold(alarm=alarm, reason="x", acting_user=operator)
    assert _state() == before


def test_qualification_required_to_close(alarm, operator):
    """No qualification, or a false alarm without its cause, or an incident without report: refused."""
    before = _state()
    for kwargs in ({"qualification": ""}, {"qualification": "false_alarm"}, {"qualification": "intrusion"}):
        with pytest.raises(ValidationError):
            services.alarm_close(alarm=alarm, acting_user=operator, **kwargs)
    assert _state() == before
    alarm = services.alarm_close(alarm=alarm, qualification="false_alarm", cause="weather", acting_user=operator)
    assert (alarm.status, alarm.false_alarm_cause) == (AlarmStatus.CLOSED, "weather")


def test_closed_alarm_takes_no_more_action(alarm, operator):
    """Once closed, an alarm is not claimed, commented or closed again."""
    services.alarm_close(alarm=alarm, qualification="false_alarm", cause="animal", acting_user=operator)
    before = _state()
    for call in (
        lambda: services.alarm_claim(alarm=alarm, acting_user=operator),
        lambda: services.alarm_comment(alarm=alarm, text="x", acting_user=operator),
        lambda: services.alarm_close(alarm=alarm, qualification="other", note="x", acting_user=operator),
    ):
        with pytest.raises(ValidationError):
            call()
    assert _state() == before


def test_police_only_after_verification_with_evidence(alarm, operator):
    """The police call is refused before the levée de doute; after it, it records who, when and the reference."""
    before = _state()
    with pytest.raises(ValidationError):
        services.alarm_call_police(
            alarm=alarm, service="17", reference="R1", evidence_reference="", acting_user=operator
        )
    assert _state() == before
    services.alarm_verify(alarm=alarm, evidence_reference="snapshot:1", acting_user=operator)
    call = services.alarm_call_police(
        alarm=alarm, service="17", reference="R1", evidence_reference="", acting_user=operator
    )
    assert (call.called_by, call.reference, call.evidence_reference) == (operator, "R1", "snapshot:1")
    assert call.called_at is not None


def test_verification_needs_images_habilitation(alarm, operator):
    """Levée de doute is visual: an operator habilitated without images may not do it."""
    alarm.protected_site.habilitations.update(can_view_images=False)
    with pytest.raises(PermissionDenied):
        services.alarm_verify(alarm=alarm, evidence_reference="snapshot:1", acting_user=operator)


def test_unhabilitated_operator_refused(alarm):
    """An operator not habilitated for the site cannot act on its alarms."""
    other = StaffFactory(email="autre.operateur@operateur.fr", staff_role="supervision_operator")
    before = _state()
    with pytest.raises(PermissionDenied):
        services.alarm_claim(alarm=alarm, acting_user=other)
    assert _state() == before


def test_lapsed_agrement_blocks_access(alarm, operator):
    """Once the agrément lapses, the habilitation no longer counts."""
    alarm.protected_site.habilitations.update(agrement_expires_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.alarm_claim(alarm=alarm, acting_user=operator)


def test_technical_fault_sends_the_asset_to_repair(alarm, operator):
    """Qualified as a technical fault, the device's fleet asset goes to repair (a maintenance ticket)."""
    asset = AssetFactory(member=alarm.protected_site.site.member, kind="camera")
    alarm.device.asset = asset
    alarm.device.save()
    services.alarm_close(alarm=alarm, qualification="technical_fault", note="Objectif encrassé", acting_user=operator)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_REPAIR
    assert alarm.timeline.filter(kind="maintenance").exists()


def test_escalation_runs_on_schedule_and_records_each_step(alarm):
    """An unacknowledged alarm calls the site's contacts in order at their delays; each step is recorded, the
    e-mail sent after commit; an acknowledged alarm escalates no further."""
    site = alarm.protected_site
    EscalationContactFactory(protected_site=site, position=1, delay_minutes=5, email="")
    EscalationContactFactory(protected_site=site, position=2, delay_minutes=15, email="astreinte@example.fr")
    start = timezone.now()
    Alarm.objects.filter(pk=alarm.pk).update(
        first_event_at=start, next_escalation_at=start + datetime.timedelta(minutes=5)
    )
    assert services.escalate_due_alarms(now=start + datetime.timedelta(minutes=4)) == 0
    assert services.escalate_due_alarms(now=start + datetime.timedelta(minutes=6)) == 1
    assert services.escalate_due_alarms(now=start + datetime.timedelta(minutes=7)) == 0
    assert services.escalate_due_alarms(now=start + datetime.timedelta(minutes=16)) == 1
    steps = list(EscalationStep.objects.order_by("level").values_list("level", "channel"))
    assert steps == [(1, "phone"), (2, "email")]
    assert alarm.timeline.filter(kind="escalated").count() == 2
    assert services.escalate_due_alarms(now=start + datetime.timedelta(hours=1)) == 0


def test_new_alarm_schedules_its_first_escalation():
    """A new alarm on a site with contacts is due for escalation at the first contact's delay."""
    device = DeviceFactory()
    EscalationContactFactory(protected_site=device.protected_site, position=1, delay_minutes=5)
    at = timezone.now().replace(microsecond=0)
    [result] = ingest_events(
        source=device.source,
        events=[{"id": "x", "device": device.external_id, "kind": "intrusion", "occurred_at": at.isoformat()}],
    )
    assert Alarm.objects.get(pk=result["alarm"]).next_escalation_at == at + datetime.timedelta(minutes=5)


def test_acknowledged_alarm_is_not_escalated(alarm, operator):
    """Acknowledged in time, the alarm is not escalated."""
    EscalationContactFactory(protected_site=alarm.protected_site, position=1, delay_minutes=5)
    Alarm.objects.filter(pk=alarm.pk).update(next_escalation_at=timezone.now())
    services.alarm_acknowledge(alarm=alarm, acting_user=operator)
    assert services.escalate_due_alarms(now=timezone.now() + datetime.timedelta(hours=1)) == 0
    assert not mail.outbox


def _activity(device, hours, per_hour, now):
    start = services.hour_start(now)
    for h in range(2, hours + 2):
        DeviceActivity.objects.create(device=device, hour=start - datetime.timedelta(hours=h), count=per_hour)


def test_rate_twenty_times_the_norm_raises_a_technical_alarm():
    """A camera whose last hour is 20× its usual hourly rate gets a technical alarm « activité anormale »."""
    device = DeviceFactory()
    now = timezone.now()
    _activity(device, 48, 2, now)
    DeviceActivity.objects.create(device=device, hour=services.hour_start(now) - datetime.timedelta(hours=1), count=41)
    assert services.detect_rate_anomalies(now=now) == 1
    alarm = Alarm.objects.get()
    assert alarm.technical_kind == TechnicalKind.RATE_HIGH
    device.refresh_from_db()
    assert device.usual_hourly_rate == pytest.approx(96 / 48, rel=0.1)


def test_silent_device_raises_a_technical_alarm():
    """A device that usually sends ≥ 5 events an hour and sent none in the last hour gets « silence anormal »."""
    device = DeviceFactory()
    now = timezone.now()
    _activity(device, 30, 10, now)
    assert services.detect_rate_anomalies(now=now) == 1
    assert Alarm.objects.get().technical_kind == TechnicalKind.RATE_SILENT


def test_normal_rate_and_short_history_raise_nothing():
    """Within its usual range, or with less than a day of history, a device raises nothing."""
    device, young = DeviceFactory(), DeviceFactory()
    now = timezone.now()
    _activity(device, 48, 5, now)
    DeviceActivity.objects.create(device=device, hour=services.hour_start(now) - datetime.timedelta(hours=1), count=6)
    _activity(young, 5, 1, now)
    DeviceActivity.objects.create(device=young, hour=services.hour_start(now) - datetime.timedelta(hours=1), count=90)
    assert services.detect_rate_anomalies(now=now) == 0


def test_the_anomaly_task_forgets_hours_older_than_its_history_and_sets_every_usual_rate():
    """The hours before the week it compares with are deleted (read by nothing, they grew the table forever); the
    usual rate of each device is written, in one statement."""
    first, second = DeviceFactory(), DeviceFactory()
    now = timezone.now()
    _activity(first, services.HISTORY_HOURS + 29, 2, now)  # from 2 hours ago: 30 hours beyond the week
    _activity(second, 48, 4, now)
    oldest_kept = services.hour_start(now) - datetime.timedelta(hours=services.HISTORY_HOURS)
    assert DeviceActivity.objects.filter(hour__lt=oldest_kept).count() == 30
    services.detect_rate_anomalies(now=now)
    assert not DeviceActivity.objects.filter(hour__lt=oldest_kept).exists()
    assert DeviceActivity.objects.filter(device=first).count() == services.HISTORY_HOURS - 1
    assert DeviceActivity.objects.filter(device=second).count() == 48
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.usual_hourly_rate, second.usual_hourly_rate) == (
        pytest.approx(2, rel=0.05),
        pytest.approx(4, rel=0.05),
    )


def test_heartbeat_timeout_raises_one_technical_alarm():
    """No heartbeat beyond the site's timeout: one technical alarm, the device marked offline; twice → still one."""
    device = DeviceFactory(last_heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.check_heartbeats() == 1
    assert services.check_heartbeats() == 0
    device.refresh_from_db()
    assert not device.online
    assert Alarm.objects.get().technical_kind == TechnicalKind.NO_HEARTBEAT
