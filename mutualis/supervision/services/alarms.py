"""The alarm workflow the operator drives (claim, acknowledge, comment, hold, levée de doute, police call,
qualification and close), technical alarms about devices' health, escalation on schedule and anomaly detection.

Statuses move along choices.ALARM_TRANSITIONS; every action writes a line of the alarm's timeline and the audit
log, and wakes the consoles.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.assets.choices import ASSET_TRANSITIONS, AssetStatus
from mutualis.assets.services import asset_transition
from mutualis.core.bulk import update_rows
from mutualis.core.services import audit_record
from mutualis.core.validation import Errors
from mutualis.supervision import rules
from mutualis.supervision.choices import (
    ALARM_TRANSITIONS,
    DEFAULT_PRIORITIES,
    INCIDENT_QUALIFICATIONS,
    AlarmCategory,
    AlarmStatus,
    EventKind,
    FalseAlarmCause,
    Priority,
    Qualification,
    TechnicalKind,
    TimelineKind,
)
from mutualis.supervision.models import (
    Alarm,
    Device,
    DeviceActivity,
    EscalationContact,
    EscalationStep,
    PoliceCall,
    PriorityRule,
    ProtectedSite,
    TimelineEntry,
)
from mutualis.supervision.permissions import can_see_site_alarms, can_view_images, is_supervision_operator
from mutualis.supervision.realtime import publish_alarms

TECHNICAL_KIND_EVENT: dict[str, str] = {
    TechnicalKind.OFFLINE: EventKind.OFFLINE,
    TechnicalKind.NO_HEARTBEAT: EventKind.OFFLINE,
    TechnicalKind.SOURCE_OFFLINE: EventKind.OFFLINE,
    TechnicalKind.STORAGE: EventKind.STORAGE_FAILURE,
    TechnicalKind.TAMPER: EventKind.TAMPER,
    TechnicalKind.RATE_HIGH: EventKind.MOTION,
    TechnicalKind.RATE_SILENT: EventKind.HEARTBEAT,
}


def priority_for(
    protected_site: ProtectedSite, kind: str, rules_cache: dict[tuple[int, str], int] | None = None
) -> int:
    """The priority of a new alarm of this kind at this site: the site's rule, else the default of the kind."""
    key = (protected_site.pk, kind)
    if rules_cache is not None and key in rules_cache:
        return rules_cache[key]
    rule = (
        PriorityRule.objects.filter(protected_site=protected_site, kind=kind).values_list("priority", flat=True).first()
    )
    return rule or DEFAULT_PRIORITIES.get(kind, Priority.MEDIUM)


def first_escalation_at(protected_site: ProtectedSite, raised_at: datetime.datetime) -> datetime.datetime | None:
    """When the first step of the site's chain runs if nobody acknowledges (None without contacts)."""
    first = (
        EscalationContact.objects.filter(protected_site=protected_site, is_active=True)
        .order_by("position")
        .values_list("delay_minutes", flat=True)
        .first()
    )
    return raised_at + datetime.timedelta(minutes=first) if first is not None else None


def timeline_add(
    alarm: Alarm,
    kind: str,
    *,
    user: User | None = None,
    text: str = "",
    data: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> TimelineEntry:
    """Append a line to the alarm's timeline."""
    return TimelineEntry.objects.create(
        alarm=alarm, at=at or timezone.now(), kind=kind, user=user, text=text, data=data or {}
    )


def _locked(alarm: Alarm) -> Alarm:
    return (
        Alarm.objects.select_for_update(of=("self",))
        .select_related("protected_site__site", "device__asset")
        .get(pk=alarm.pk)
    )


def _require_operating(alarm: Alarm, user: User) -> None:
    """Only a habilitated operator acts on an alarm (refused: 403 with its reason)."""
    if not is_supervision_operator(user):
        raise PermissionDenied(_("Réservé aux opérateurs de supervision."))
    if not can_see_site_alarms(user, alarm.protected_site):
        raise PermissionDenied(_("Vous n'êtes pas habilité pour ce site."))


def _require_open(alarm: Alarm) -> None:
    if alarm.status == AlarmStatus.CLOSED:
        errors = Errors()
        errors.add(None, _("Cette alarme est déjà clôturée."))
        errors.raise_if_any()


def _move(alarm: Alarm, to_status: str) -> None:
    if to_status != alarm.status and to_status not in ALARM_TRANSITIONS.get(alarm.status, set()):
        errors = Errors()
        errors.add(
            "status",
            _("Une alarme « %(from)s » ne peut passer à « %(to)s ».")
            % {"from": alarm.get_status_display(), "to": AlarmStatus(to_status).label},
        )
        errors.raise_if_any()
    alarm.status = to_status


def _record(alarm: Alarm, user: User | None, action: str, **kwargs: Any) -> None:
    audit_record(actor=user, action=action, obj=alarm, member_id=alarm.protected_site.site.member_id, **kwargs)
    publish_alarms([alarm.pk])


@transaction.atomic
def alarm_claim(*, alarm: Alarm, acting_user: User) -> Alarm:
    """Take an alarm in hand (it is acknowledged at the same time, which stops its escalation)."""
    alarm = _locked(alarm)
    _require_operating(alarm, acting_user)
    _require_open(alarm)
    now = timezone.now()
    previous = alarm.claimed_by
    if alarm.status == AlarmStatus.NEW:
        _move(alarm, AlarmStatus.IN_PROGRESS)
    alarm.claimed_by, alarm.claimed_at = acting_user, now
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at, alarm.acknowledged_by, alarm.next_escalation_at = now, acting_user, None
    alarm.save()
    text = _("Reprise à %(name)s.") % {"name": previous} if previous and previous.pk != acting_user.pk else ""
    timeline_add(alarm, TimelineKind.CLAIMED, user=acting_user, text=text, at=now)
    _record(alarm, acting_user, "supervision.alarm_claim")
    return alarm


@transaction.atomic
def alarm_release(*, alarm: Alarm, acting_user: User) -> Alarm:
    """Give an alarm back to the queue (still in progress, nobody's)."""
    alarm = _locked(alarm)
    _require_operating(alarm, acting_user)
    _require_open(alarm)
    alarm.claimed_by, alarm.claimed_at = None, None
    alarm.save()
    timeline_add(alarm, TimelineKind.RELEASED, user=acting_user)
    _record(alarm, acting_user, "supervision.alarm_release")
    return alarm


@transaction.atomic
def alarm_acknowledge(*, alarm: Alarm, acting_user: User) -> Alarm:
    """Say the alarm was seen (stops its escalation) without taking it."""
    alarm = _locked(alarm)
    _require_operating(alarm, acting_user)
    _require_open(alarm)
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at, alarm.acknowledged_by, alarm.next_escalation_at = timezone.now(), acting_user, None
        alarm.save()
        timeline_add(alarm, TimelineKind.ACKNOWLEDGED, user=acting_user)
        _record(alarm, acting_user, "supervision.alarm_acknowledge")
    return alarm


def _required_text(field: str, text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        errors = Errors()
        errors.add(field, message)
        errors.raise_if_any()
    return text


@transaction.atomic
def alarm_comment(*, alarm: Alarm, text: str, acting_user: User) -> TimelineEntry:
    """Add a comment to the alarm's timeline."""
    alarm = _locked(alarm)
    _require_operating(alarm, acting_user)
    _require_open(alarm)
    text = _required_text("text", text, _("Écrivez le commentaire."))
    entry = timeline_add(alarm, TimelineKind.COMMENT, user=acting_user, text=text)
    alarm.save(update_fields=["updated_at"])
    _record(alarm, acting_user, "supervision.alarm_comment", after={"text": text})
    return entry


@transaction.atomic
def alarm_hold(*, alarm: Alarm, reason: str, acting_user: User) -> Alarm:
    """Put an alarm in progress on hold (waiting for a patrol, a call back…), with why."""
    alarm = _locked(alarm)
    _require_operating(alarm, acting_user)
    reason = _required_text("reason", reason, _("Indiquez pourquoi l'alarme est mise en attente."))
    _move(alarm, AlarmStatus.ON_HOLD)
    alarm.save()
    timeline_add(alarm, TimelineKind.HOLD, user=acting_user, text=reason)
    _record(alarm, acting_user, "supervision.alarm_hold", reason=reason)
    return alarm


@transaction.atomic
def alarm_resume(*, alarm: Alarm, acting_user: User) -> Alarm:
    """Take an alarm off hold."""
    alarm = _locked(alarm)
    _require_operating(alarm, acting_user)
    _move(alarm, AlarmStatus.IN_PROGRESS)
    alarm.save()
    timeline_add(alarm, TimelineKind.RESUMED, user=acting_user)
    _record(alarm, acting_user, "supervision.alarm_resume")
    return alarm


@transaction.atomic
def alarm_verify(*, alarm: Alarm, evidence_reference: str, acting_user: User, note: str = "") -> Alarm:
    """Levée de doute: the operator looked at the images and attaches the visual evidence the decision rests on."""
    alarm = _locked(alarm)
    _require_operating(alarm, acting_user)
    _require_open(alarm)
    if not can_view_images(acting_user, alarm.protected_site):
        raise PermissionDenied(_("Vous n'êtes pas habilité à voir les images de ce site."))
    reference = _required_text(
        "evidence_reference", evidence_reference, _("Joignez la preuve visuelle de la levée de doute.")
    )
    now = timezone.now()
    alarm.verified_at, alarm.verified_by, alarm.verification_evidence = now, acting_user, reference[:500]
    if alarm.status == AlarmStatus.NEW:
        _move(alarm, AlarmStatus.IN_PROGRESS)
    alarm.save()
    timeline_add(
        alarm, TimelineKind.VERIFIED, user=acting_user, text=note.strip(), data={"evidence": reference}, at=now
    )
    _record(alarm, acting_user, "supervision.alarm_verify", after={"evidence": reference, "note": note})
    return alarm


@transaction.atomic
def alarm_attach_evidence(*, alarm: Alarm, reference: str, label: str, acting_user: User | None) -> TimelineEntry:
    """Note in the timeline that a piece of evidence (a stored snapshot, a clip) was attached to the alarm."""
    alarm = _locked(alarm)
    reference = _required_text("reference", reference, _("Indiquez la preuve."))
    entry = timeline_add(alarm, TimelineKind.EVIDENCE, user=acting_user, text=label, data={"evidence": reference})
    alarm.save(update_fields=["updated_at"])
    publish_alarms([alarm.pk])
    return entry


@transaction.atomic
def alarm_call_police(
    *, alarm: Alarm, service: str, reference: str, evidence_reference: str, acting_user: User, note: str = ""
) -> PoliceCall:
    """« Appeler les forces de l'ordre »: only for a verified alarm with its evidence (rules.police_call_allowed);
    records who called, when, the service and the reference it gave."""
    alarm = _locked(alarm)
    _require_operating(alarm, acting_user)
    _require_open(alarm)
    errors = Errors()
    evidence = (evidence_reference or alarm.verification_evidence or "").strip()
    if not rules.police_call_allowed(verified=alarm.verified_at is not None, evidence_reference=evidence):
        errors.add(
            None, _("Les forces de l'ordre ne sont appelées qu'après une levée de doute avec sa preuve visuelle.")
        )
    if not (service or "").strip():
        errors.add("service", _("Indiquez le service appelé (17, police municipale, gendarmerie…)."))
    if not (reference or "").strip():
        errors.add("reference", _("Indiquez la référence donnée par le service."))
    errors.raise_if_any()
    now = timezone.now()
    call = PoliceCall.objects.create(
        alarm=alarm,
        called_by=acting_user,
        called_at=now,
        service=service.strip()[:150],
        reference=reference.strip()[:100],
        evidence_reference=evidence[:500],
        note=note.strip(),
    )
    if alarm.status == AlarmStatus.NEW:
        _move(alarm, AlarmStatus.IN_PROGRESS)
    alarm.save()
    timeline_add(
        alarm,
        TimelineKind.POLICE_CALLED,
        user=acting_user,
        text=_("%(service)s — référence %(ref)s") % {"service": call.service, "ref": call.reference},
        data={"police_call": call.pk, "evidence": evidence},
        at=now,
    )
    _record(
        alarm,
        acting_user,
        "supervision.alarm_police_call",
        after={"service": call.service, "reference": call.reference, "evidence": evidence},
    )
    return call


def _open_maintenance_ticket(alarm: Alarm, user: User, note: str) -> str:
    """A technical fault sends the device's fleet asset to repair (the fleet's own workflow), or says why not."""
    device = alarm.device
    asset = device.asset if device else None
    if asset is None:
        return _("Aucun équipement du parc lié : ticket à ouvrir hors plateforme.")
    if asset.status == AssetStatus.IN_REPAIR:
        return _("Équipement déjà en réparation.")
    if AssetStatus.IN_REPAIR not in ASSET_TRANSITIONS.get(asset.status, set()):
        return _("L'équipement du parc ne peut passer en réparation depuis « %(s)s ».") % {
            "s": asset.get_status_display()
        }
    asset_transition(
        asset=asset,
        to_status=AssetStatus.IN_REPAIR,
        acting_user=user,
        note=_("Défaut technique (alarme n° %(n)s) : %(note)s") % {"n": alarm.pk, "note": note},
    )
    return _("Équipement %(serial)s passé en réparation.") % {"serial": asset.serial_number}


@transaction.atomic
def alarm_close(*, alarm: Alarm, qualification: str, acting_user: User, cause: str = "", note: str = "") -> Alarm:
    """Qualify and close an alarm: a qualification is required; a false alarm needs its cause; a technical fault
    opens a maintenance ticket on the device's asset; a confirmed incident needs its report."""
    alarm = _locked(alarm)
    _require_operating(alarm, acting_user)
    _require_open(alarm)
    errors = Errors()
    note = (note or "").strip()
    if qualification not in Qualification.values or not qualification:
        errors.add("qualification", _("Qualifiez l'alarme avant de la clôturer."))
    if qualification == Qualification.FALSE_ALARM and (not cause or cause not in FalseAlarmCause.values):
        errors.add("cause", _("Indiquez la cause de la fausse alarme."))
    if qualification in INCIDENT_QUALIFICATIONS and not note:
        errors.add("note", _("Rédigez le compte rendu de l'incident."))
    errors.raise_if_any()
    now = timezone.now()
    _move(alarm, AlarmStatus.CLOSED)
    alarm.qualification = qualification
    alarm.false_alarm_cause = cause if qualification == Qualification.FALSE_ALARM else ""
    alarm.qualification_note = note
    alarm.closed_at, alarm.closed_by, alarm.next_escalation_at = now, acting_user, None
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at, alarm.acknowledged_by = now, acting_user
    alarm.save()
    if qualification == Qualification.TECHNICAL_FAULT:
        timeline_add(
            alarm, TimelineKind.MAINTENANCE, user=acting_user, text=_open_maintenance_ticket(alarm, acting_user, note)
        )
    label = str(Qualification(qualification).label)
    if alarm.false_alarm_cause:
        label = f"{label} ({FalseAlarmCause(cause).label})"
    timeline_add(alarm, TimelineKind.QUALIFIED, user=acting_user, text=label, at=now)
    timeline_add(alarm, TimelineKind.CLOSED, user=acting_user, text=note, at=now)
    _record(
        alarm,
        acting_user,
        "supervision.alarm_close",
        after={"qualification": qualification, "cause": cause, "note": note},
    )
    return alarm


# --- Technical alarms -------------------------------------------------------------------------------------------


def technical_alarm_raise(
    *,
    protected_site: ProtectedSite,
    technical_kind: str,
    title: str,
    at: datetime.datetime,
    device: Device | None = None,
    source_ref: str = "",
) -> Alarm:
    """Open (or refresh) the technical alarm of a device or source for one defect: one open alarm per defect."""
    with transaction.atomic():
        existing = (
            Alarm.objects.select_for_update()
            .filter(
                protected_site=protected_site,
                category=AlarmCategory.TECHNICAL,
                technical_kind=technical_kind,
                device=device,
                source_ref=source_ref,
                status__in=[AlarmStatus.NEW, AlarmStatus.IN_PROGRESS, AlarmStatus.ON_HOLD],
            )
            .first()
        )
        if existing is not None:
            existing.last_event_at = max(existing.last_event_at, at)
            existing.event_count += 1
            existing.save(update_fields=["last_event_at", "event_count", "updated_at"])
            publish_alarms([existing.pk])
            return existing
        kind = TECHNICAL_KIND_EVENT.get(technical_kind, EventKind.OFFLINE)
        alarm = Alarm.objects.create(
            protected_site=protected_site,
            device=device,
            category=AlarmCategory.TECHNICAL,
            kind=kind,
            technical_kind=technical_kind,
            title=title[:255],
            priority=priority_for(protected_site, kind),
            source_ref=source_ref,
            first_event_at=at,
            last_event_at=at,
            event_count=1,
        )
        timeline_add(alarm, TimelineKind.CREATED, text=title, at=at)
        publish_alarms([alarm.pk])
        return alarm


def technical_alarm_resolve(
    *,
    technical_kind: str,
    at: datetime.datetime,
    device: Device | None = None,
    protected_site: ProtectedSite | None = None,
    source_ref: str = "",
    note: str = "",
) -> int:
    """Close the open technical alarms of this defect (the device is back): returns how many were closed."""
    with transaction.atomic():
        alarms = Alarm.objects.select_for_update().filter(
            category=AlarmCategory.TECHNICAL,
            technical_kind=technical_kind,
            device=device,
            source_ref=source_ref,
            status__in=[AlarmStatus.NEW, AlarmStatus.IN_PROGRESS, AlarmStatus.ON_HOLD],
        )
        if protected_site is not None:
            alarms = alarms.filter(protected_site=protected_site)
        closed = 0
        for alarm in alarms:
            alarm.status, alarm.qualification, alarm.closed_at = AlarmStatus.CLOSED, Qualification.TECHNICAL_FAULT, at
            alarm.qualification_note, alarm.next_escalation_at = note or _("Rétabli automatiquement."), None
            alarm.save()
            timeline_add(alarm, TimelineKind.CLOSED, text=alarm.qualification_note, at=at)
            publish_alarms([alarm.pk])
            closed += 1
        return closed


def check_heartbeats(*, now: datetime.datetime | None = None) -> int:
    """Camera health: a supervised device silent (no heartbeat nor event) beyond its site's timeout gets a
    technical alarm and is marked offline; returns how many were raised."""
    now = now or timezone.now()
    raised = 0
    devices = Device.objects.filter(is_supervised=True, online=True).select_related("protected_site")
    for device in devices.iterator():
        last = max(filter(None, [device.last_heartbeat_at, device.last_event_at]), default=None)
        if last is None:
            continue
        if now - last > datetime.timedelta(minutes=device.protected_site.heartbeat_timeout_minutes):
            Device.objects.filter(pk=device.pk).update(online=False)
            technical_alarm_raise(
                protected_site=device.protected_site,
                device=device,
                technical_kind=TechnicalKind.NO_HEARTBEAT,
                title=_("%(device)s : plus de signal de vie") % {"device": device.name},
                at=now,
            )
            raised += 1
    return raised


# --- Escalation -------------------------------------------------------------------------------------------------


def _mailer(subject: str, body: str, email: str) -> Any:
    def send() -> None:
        send_mail(subject, body, None, [email], fail_silently=True)

    return send


def escalate_due_alarms(*, now: datetime.datetime | None = None) -> int:
    """Run the escalation steps that are due: an unacknowledged open alarm calls the next contact of its site's
    chain (e-mailed when the contact has an address, listed for the operator to phone otherwise); each step is
    recorded in the alarm's timeline. Returns how many steps ran."""
    now = now or timezone.now()
    ran = 0
    due = Alarm.objects.filter(
        next_escalation_at__lte=now,
        acknowledged_at__isnull=True,
        status__in=[AlarmStatus.NEW, AlarmStatus.IN_PROGRESS, AlarmStatus.ON_HOLD],
    ).values_list("pk", flat=True)
    for pk in list(due[:500]):
        with transaction.atomic():
            alarm = Alarm.objects.select_for_update(of=("self",)).select_related("protected_site__site").get(pk=pk)
            if alarm.acknowledged_at is not None or alarm.next_escalation_at is None or alarm.next_escalation_at > now:
                continue
            contacts = list(
                EscalationContact.objects.filter(protected_site=alarm.protected_site, is_active=True).order_by(
                    "position"
                )
            )
            level = alarm.escalation_level + 1
            if level > len(contacts):
                alarm.next_escalation_at = None
                alarm.save(update_fields=["next_escalation_at", "updated_at"])
                continue
            contact = contacts[level - 1]
            channel = "email" if contact.email else "phone"
            outcome = _("Courriel envoyé.") if contact.email else _("À appeler : %(phone)s") % {"phone": contact.phone}
            EscalationStep.objects.create(
                alarm=alarm, contact=contact, level=level, at=now, channel=channel, outcome=outcome
            )
            if contact.email:
                subject = _("[Mutualis] Alarme non acquittée : %(title)s") % {"title": alarm.title}
                body = _("Site : %(site)s\nAlarme n° %(n)s, depuis %(since)s, priorité %(p)s.") % {
                    "site": alarm.protected_site,
                    "n": alarm.pk,
                    "since": timezone.localtime(alarm.first_event_at).strftime("%d/%m/%Y %H:%M"),
                    "p": alarm.get_priority_display(),
                }
                transaction.on_commit(_mailer(subject, body, contact.email))
            alarm.escalation_level = level
            following = contacts[level] if level < len(contacts) else None
            alarm.next_escalation_at = (
                alarm.first_event_at + datetime.timedelta(minutes=following.delay_minutes) if following else None
            )
            alarm.save(update_fields=["escalation_level", "next_escalation_at", "updated_at"])
            timeline_add(
                alarm,
                TimelineKind.ESCALATED,
                text=_("Niveau %(level)s : %(name)s (%(role)s) — %(outcome)s")
                % {"level": level, "name": contact.name, "role": contact.get_role_display(), "outcome": outcome},
                data={"contact": contact.pk, "level": level, "channel": channel},
                at=now,
            )
            audit_record(
                actor=None,
                action="supervision.alarm_escalate",
                obj=alarm,
                member_id=alarm.protected_site.site.member_id,
                after={"level": level, "contact": contact.name, "channel": channel},
            )
            publish_alarms([alarm.pk])
            ran += 1
    return ran


# --- Anomaly detection ------------------------------------------------------------------------------------------

# Hours of history the usual rate is learnt from, and the least before it is trusted.
HISTORY_HOURS = 7 * 24
MIN_HISTORY_HOURS = 24
# A device is « silent » only if it usually sends at least this many events an hour.
SILENT_MIN_RATE = 5.0


def hour_start(at: datetime.datetime) -> datetime.datetime:
    """The start of the hour `at` falls in (activity is counted per hour)."""
    return at.replace(minute=0, second=0, microsecond=0)


def detect_rate_anomalies(*, now: datetime.datetime | None = None) -> int:
    """Compare each supervised device's last complete hour with its usual hourly rate (the mean over the last week,
    silent hours counted): beyond `anomaly_factor` × usual (at least 1) → technical alarm « activité anormalement
    élevée »; nothing in the hour from a device that usually sends ≥ 5 an hour → « silence anormal ». The usual
    rate is stored on the device. Returns how many alarms were raised."""
    now = now or timezone.now()
    current = hour_start(now)
    last_hour = current - datetime.timedelta(hours=1)
    since = current - datetime.timedelta(hours=HISTORY_HOURS)
    # Hours older than the history are read by nothing: kept, they grew the table by a row per device and hour
    # forever (22 million a year for 2,600 devices) and each run scanned them all.
    DeviceActivity.objects.filter(hour__lt=since).delete()
    history = (
        DeviceActivity.objects.filter(hour__gte=since, hour__lt=last_hour)
        .values("device_id")
        .annotate(total=Sum("count"), first=Min("hour"), hours=Count("pk"))
    )
    last_counts = dict(DeviceActivity.objects.filter(hour=last_hour).values_list("device_id", "count"))
    raised = 0
    usual_rates: list[tuple[float, int]] = []
    devices = {
        d.pk: d
        for d in Device.objects.filter(is_supervised=True, pk__in=[h["device_id"] for h in history]).select_related(
            "protected_site"
        )
    }
    for row in history:
        device = devices.get(row["device_id"])
        if device is None:
            continue
        span = (last_hour - row["first"]).total_seconds() / 3600
        if span < MIN_HISTORY_HOURS:
            continue
        usual = row["total"] / span
        usual_rates.append((usual, device.pk))
        count = last_counts.get(device.pk, 0)
        if count > device.anomaly_factor * max(usual, 1.0):
            technical_alarm_raise(
                protected_site=device.protected_site,
                device=device,
                technical_kind=TechnicalKind.RATE_HIGH,
                title=_("%(device)s : %(count)s événements en une heure (habituellement %(usual).1f)")
                % {"device": device.name, "count": count, "usual": usual},
                at=now,
            )
            raised += 1
        elif count == 0 and usual >= SILENT_MIN_RATE:
            technical_alarm_raise(
                protected_site=device.protected_site,
                device=device,
                technical_kind=TechnicalKind.RATE_SILENT,
                title=_("%(device)s : aucun événement en une heure (habituellement %(usual).1f)")
                % {"device": device.name, "usual": usual},
                at=now,
            )
            raised += 1
    update_rows(Device, ["usual_hourly_rate"], usual_rates)  # one statement, not one a device
    return raised
