"""Alarms as each user may read them: operators on the sites they are habilitated for, members' users on their own
members' sites; another's alarm is a 404."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from mutualis.accounts.types import Viewer
from mutualis.core.permissions import is_operator_staff
from mutualis.supervision.choices import INCIDENT_QUALIFICATIONS, OPEN_STATUSES, AlarmStatus
from mutualis.supervision.models import Alarm, EscalationStep, PoliceCall, TimelineEntry
from mutualis.supervision.permissions import habilitated_site_ids


def alarm_scope(user: Viewer) -> QuerySet[Alarm]:
    """Every alarm the user may read (operators: habilitated sites only)."""
    alarms = Alarm.objects.visible_to(user)
    if is_operator_staff(user):
        alarms = alarms.filter(protected_site_id__in=habilitated_site_ids(user))
    return alarms


def alarm_list(
    *,
    user: Viewer,
    status: str | None = None,
    site: int | None = None,
    priority: int | None = None,
    since: datetime.datetime | None = None,
    open_only: bool = False,
) -> QuerySet[Alarm]:
    """The user's alarms, most urgent first (priority, then age), filtered."""
    alarms = alarm_scope(user).select_related("protected_site__site__commune", "device", "claimed_by")
    if status:
        alarms = alarms.filter(status=status)
    if open_only:
        alarms = alarms.filter(status__in=OPEN_STATUSES)
    if site:
        alarms = alarms.filter(protected_site_id=site)
    if priority:
        alarms = alarms.filter(priority=priority)
    if since:
        alarms = alarms.filter(last_event_at__gte=since)
    return alarms.order_by("priority", "first_event_at", "pk")


def console_queue(*, user: Viewer, limit: int = 200) -> list[Alarm]:
    """The console's live queue: open alarms by priority then age."""
    return list(alarm_list(user=user, open_only=True)[:limit])


# Alarms read per query when the console catches up (bounded IN lists; no cap on how many changes reach it).
CONSOLE_PAGE = 500


def console_changes(
    *,
    user: Viewer,
    since: datetime.datetime | None = None,
    ids: Iterable[int] = (),
    known: Mapping[int, datetime.datetime] | None = None,
) -> list[Alarm]:
    """Every alarm changed after `since` (the console's cursor) and the alarms `ids` (those a wake named), oldest
    change first, leaving out the versions the console already has (`known`: pk → updated_at)."""
    known = known or {}
    scope = alarm_scope(user)
    wanted = set(ids)
    if since is not None:
        # Versions first (two columns): a console re-reads a few seconds back, most of it already shown.
        versions = scope.filter(updated_at__gt=since).values_list("pk", "updated_at")
        wanted.update(pk for pk, at in versions if known.get(pk) != at)
    pks = sorted(wanted)
    alarms: list[Alarm] = []
    for start in range(0, len(pks), CONSOLE_PAGE):
        page = scope.filter(pk__in=pks[start : start + CONSOLE_PAGE]).select_related(
            "protected_site__site__commune", "device", "claimed_by"
        )
        alarms.extend(a for a in page if known.get(a.pk) != a.updated_at)
    alarms.sort(key=lambda a: (a.updated_at, a.pk))
    return alarms


def incident_list(*, user: Viewer) -> QuerySet[Alarm]:
    """Closed alarms qualified as a confirmed incident (what members read as their incidents)."""
    return (
        alarm_scope(user)
        .filter(status=AlarmStatus.CLOSED, qualification__in=INCIDENT_QUALIFICATIONS)
        .select_related("protected_site__site", "device")
        .order_by("-closed_at")
    )


def alarm_get(*, user: Viewer, pk: int) -> Alarm:
    """One alarm the user may read, or 404."""
    alarm = (
        alarm_scope(user)
        .select_related("protected_site__site__commune", "device__asset", "claimed_by")
        .filter(pk=pk)
        .first()
    )
    if alarm is None:
        raise Http404
    return alarm


def alarm_timeline(*, alarm: Alarm) -> QuerySet[TimelineEntry]:
    """Every line of an alarm's timeline, in order."""
    return alarm.timeline.select_related("user").order_by("at", "pk")


def alarm_police_calls(*, alarm: Alarm) -> QuerySet[PoliceCall]:
    """The police calls of an alarm."""
    return alarm.police_calls.select_related("called_by").order_by("called_at")


def alarm_escalations(*, alarm: Alarm) -> QuerySet[EscalationStep]:
    """The escalation steps that ran for an alarm."""
    return alarm.escalations.select_related("contact").order_by("level")


def alarm_events(*, alarm: Alarm, limit: int = 100) -> list[Any]:
    """The alarm's latest events."""
    return list(alarm.events.select_related("device").order_by("-occurred_at")[:limit])


def console_row(alarm: Alarm, *, images: bool) -> dict[str, Any]:
    """What the console shows of an alarm (the snapshot only for those habilitated to see the site's images)."""
    from django.urls import reverse

    site = alarm.protected_site.site
    return {
        "id": alarm.pk,
        "title": alarm.title,
        "site": site.name,
        "site_id": alarm.protected_site_id,
        "commune": site.commune.name,
        "device": alarm.device.name if alarm.device else "",
        "category": alarm.category,
        "kind": alarm.get_kind_display(),
        "priority": alarm.priority,
        "priority_label": alarm.get_priority_display(),
        "status": alarm.status,
        "status_label": alarm.get_status_display(),
        "first_event_at": alarm.first_event_at.isoformat(),
        "last_event_at": alarm.last_event_at.isoformat(),
        "event_count": alarm.event_count,
        "claimed_by": str(alarm.claimed_by) if alarm.claimed_by else "",
        "verified": alarm.verified_at is not None,
        "open": alarm.is_open,
        "url": reverse("supervision:alarm_detail", args=[alarm.pk]),
        "snapshot": reverse("supervision:alarm_snapshot", args=[alarm.pk]) if images and alarm.snapshot_url else "",
        "lat": site.latitude,
        "lon": site.longitude,
    }
