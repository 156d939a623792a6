"""Alarms as each user may read them: operators on the sites they are habilitated for, members' users on their own
members' sites; another's alarm is a 404."""

import datetime
import functools
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404

from mutualis.accounts.types import Viewer
from mutualis.core.bulk import Compiled, datetime_column, list_slot, raw_rows, read_datetime, read_isoformat
from mutualis.core.permissions import is_operator_staff
from mutualis.supervision.choices import INCIDENT_QUALIFICATIONS, OPEN_STATUSES, AlarmStatus, EventKind, Priority
from mutualis.supervision.models import Alarm, EscalationStep, PoliceCall, ProtectedSite, TimelineEntry
from mutualis.supervision.permissions import habilitated_site_ids


def _habilitated_only(user: Viewer, rows: QuerySet, site: str) -> QuerySet:
    """Operators read a site's alarms only while habilitated for it; members' users, their members' sites."""
    if is_operator_staff(user):
        return rows.filter(**{f"{site}__in": habilitated_site_ids(user)})
    return rows


def alarm_scope(user: Viewer) -> QuerySet[Alarm]:
    """Every alarm the user may read (operators: habilitated sites only)."""
    return _habilitated_only(user, Alarm.objects.visible_to(user), "protected_site_id")


def alarm_site_ids(user: Viewer) -> list[int]:
    """Ids of the protected sites whose alarms the user may read (`alarm_scope`, by site)."""
    sites = _habilitated_only(user, ProtectedSite.objects.visible_to(user), "pk")
    return list(sites.values_list("pk", flat=True))


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
# What a console row needs, read as plain values: a storm is thousands of rows a second, model instances (five per
# alarm with its site, commune, device and claimant) cost more than the query.
_CONSOLE_VALUES = (
    "id",
    "updated_at",
    "title",
    "protected_site_id",
    "protected_site__site__name",
    "protected_site__site__commune__name",
    "protected_site__site__latitude",
    "protected_site__site__longitude",
    "device__name",
    "category",
    "kind",
    "priority",
    "status",
    "first_event_at",
    "last_event_at",
    "event_count",
    "claimed_by__first_name",
    "claimed_by__last_name",
    "claimed_by__email",
    "verified_at",
    "snapshot_url",
)


# The page of named alarms, compiled once per process: building the queryset again at each wake cost the realtime
# process more than running it (a storm wakes it dozens of times a second).
# Its dates are read as text on SQLite (core.bulk.datetime_column): the version parsed, the event dates sent as is.
_CONSOLE_DATES = ("updated_at", "first_event_at", "last_event_at", "verified_at")
_CONSOLE_SENT_DATES = ("first_event_at", "last_event_at")  # sent as ISO 8601 text (verified_at: only whether set)
_CONSOLE_PAGE_QUERY = Compiled(
    lambda pks: (
        Alarm.objects.filter(pk__among=list_slot(pks))
        .order_by()
        .annotate(**{f"read_{name}": datetime_column(name) for name in _CONSOLE_DATES})
        .values_list(*(f"read_{name}" if name in _CONSOLE_DATES else name for name in _CONSOLE_VALUES))
    ),
    1,
)
_COLUMN = {name: n for n, name in enumerate(_CONSOLE_VALUES)}


class ConsoleReader:
    """One console's reads of the alarms that changed, for the life of its websocket.

    The sites whose alarms the user may read (`alarm_site_ids`, the rule of `alarm_scope`) and those whose images
    they may see are read again every `SCOPE_SECONDS`: a withdrawn habilitation or a lapsed agrément stops the flow
    within that second, as the console's poll would. Between two reads the scope is applied to the rows by their
    site, so the query of each wake is a plain lookup by primary key, compiled once."""

    SCOPE_SECONDS = 1.0

    def __init__(self, user: Viewer, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.user, self.clock = user, clock
        self.sites: frozenset[int] = frozenset()
        self.images: frozenset[int] = frozenset()
        self._scope_until = float("-inf")

    def scope(self) -> tuple[frozenset[int], frozenset[int]]:
        """(sites whose alarms the user may read, sites whose images they may see), at most a second old."""
        now = self.clock()
        if now >= self._scope_until:
            self.sites = frozenset(alarm_site_ids(self.user))
            self.images = self.sites & frozenset(
                habilitated_site_ids(self.user, images=True).values_list("protected_site_id", flat=True)
            )
            self._scope_until = now + self.SCOPE_SECONDS
        return self.sites, self.images

    def changes(
        self,
        *,
        since: datetime.datetime | None = None,
        ids: Iterable[int] = (),
        known: Mapping[int, datetime.datetime] | None = None,
    ) -> list[tuple[datetime.datetime, dict[str, Any]]]:
        """Every alarm changed after `since` (the console's cursor) and the alarms `ids` (those a wake named), as
        (version, console row), oldest change first, leaving out the versions the console already has (`known`:
        pk → updated_at) and the alarms of sites out of the user's scope."""
        known = known or {}
        sites, images = self.scope()
        wanted = set(ids)
        if since is not None:
            # Versions first (three columns, from the updated_at index): a console re-reads a few seconds back,
            # most of it already shown.
            changed = Alarm.objects.filter(updated_at__gt=since).order_by()
            wanted.update(pk for pk, site, at in _versions(changed) if site in sites and known.get(pk) != at)
        if not wanted or not sites:
            return []
        pks, shape, to_datetime, to_text = sorted(wanted), _row_shape(), read_datetime(), read_isoformat()
        site, version, first, last = (_COLUMN[n] for n in ("protected_site_id", "updated_at", *_CONSOLE_SENT_DATES))
        changes = []
        for start in range(0, len(pks), CONSOLE_PAGE):
            for raw in _CONSOLE_PAGE_QUERY.rows(pks[start : start + CONSOLE_PAGE]):
                at = cast(datetime.datetime, to_datetime(raw[version]))  # updated_at: never null
                if raw[site] not in sites or known.get(raw[0]) == at:
                    continue
                values = dict(zip(_CONSOLE_VALUES, raw, strict=True))
                values["first_event_at"], values["last_event_at"] = to_text(raw[first]), to_text(raw[last])
                changes.append((at, shape.row(values, images=raw[site] in images)))
        changes.sort(key=lambda change: (change[0], change[1]["id"]))
        return changes


def _versions(alarms: QuerySet[Alarm]) -> Iterable[tuple[int, int, datetime.datetime | None]]:
    """(pk, protected_site_id, updated_at) of the alarms, read below the ORM (its converter parses each date with
    a regular expression, and a console re-reads every second the thousands of versions a storm writes in five)."""
    to_datetime = read_datetime()
    rows = raw_rows(
        alarms.annotate(version=datetime_column("updated_at")).values_list("pk", "protected_site_id", "version")
    )
    return ((pk, site, to_datetime(version)) for pk, site, version in rows)


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


class _RowShape:
    """Labels and addresses of console rows, worked out once per batch of rows (gettext and URL resolving cost
    more than the rest of a row)."""

    _SENTINEL = 987654321

    def __init__(self) -> None:
        from django.urls import reverse

        self.kinds = {value: str(label) for value, label in EventKind.choices}
        self.priorities = {value: str(label) for value, label in Priority.choices}
        self.statuses = {value: str(label) for value, label in AlarmStatus.choices}
        # The alarm's pages differ only by their key: resolved once with a stand-in key, filled per row.
        self.detail = reverse("supervision:alarm_detail", args=[self._SENTINEL]).split(str(self._SENTINEL))
        self.snapshot = reverse("supervision:alarm_snapshot", args=[self._SENTINEL]).split(str(self._SENTINEL))

    def row(self, v: Mapping[str, Any], *, images: bool) -> dict[str, Any]:
        """One console row from an alarm's values (the names of `_CONSOLE_VALUES`; its two event dates as ISO text)."""
        pk = v["id"]
        claimed = f"{v['claimed_by__first_name'] or ''} {v['claimed_by__last_name'] or ''}".strip()
        return {
            "id": pk,
            "title": v["title"],
            "site": v["protected_site__site__name"],
            "site_id": v["protected_site_id"],
            "commune": v["protected_site__site__commune__name"],
            "device": v["device__name"] or "",
            "category": v["category"],
            "kind": self.kinds.get(v["kind"], v["kind"]),
            "priority": v["priority"],
            "priority_label": self.priorities.get(v["priority"], v["priority"]),
            "status": v["status"],
            "status_label": self.statuses.get(v["status"], v["status"]),
            "first_event_at": v["first_event_at"],
            "last_event_at": v["last_event_at"],
            "event_count": v["event_count"],
            "claimed_by": claimed or (v["claimed_by__email"] or ""),
            "verified": v["verified_at"] is not None,
            "open": v["status"] != AlarmStatus.CLOSED,
            "url": str(pk).join(self.detail),
            "snapshot": str(pk).join(self.snapshot) if images and v["snapshot_url"] else "",
            "lat": v["protected_site__site__latitude"],
            "lon": v["protected_site__site__longitude"],
        }


@functools.lru_cache(maxsize=16)
def _shape_for(language: str | None, prefix: str) -> _RowShape:
    return _RowShape()


def _row_shape() -> _RowShape:
    """The row shape of the active language (labels) and script prefix (addresses)."""
    from django.urls import get_script_prefix
    from django.utils.translation import get_language

    return _shape_for(get_language(), get_script_prefix())


def console_rows(alarms: Iterable[Alarm], *, images: Collection[int]) -> list[dict[str, Any]]:
    """Console rows of alarms (`images`: the sites whose snapshots the user may see); also prepares the labels and
    addresses of the rows the console will be sent next, so that its first change does not pay for them."""
    _row_shape()
    return [console_row(a, images=a.protected_site_id in images) for a in alarms]


def console_row(alarm: Alarm, *, images: bool) -> dict[str, Any]:
    """What the console shows of an alarm (the snapshot only for those habilitated to see the site's images)."""
    site, device, claimant = alarm.protected_site.site, alarm.device, alarm.claimed_by
    values = {
        "id": alarm.pk,
        "title": alarm.title,
        "protected_site_id": alarm.protected_site_id,
        "protected_site__site__name": site.name,
        "protected_site__site__commune__name": site.commune.name,
        "protected_site__site__latitude": site.latitude,
        "protected_site__site__longitude": site.longitude,
        "device__name": device.name if device else None,
        "category": alarm.category,
        "kind": alarm.kind,
        "priority": alarm.priority,
        "status": alarm.status,
        "first_event_at": alarm.first_event_at.isoformat(),
        "last_event_at": alarm.last_event_at.isoformat(),
        "event_count": alarm.event_count,
        "claimed_by__first_name": claimant.first_name if claimant else None,
        "claimed_by__last_name": claimant.last_name if claimant else None,
        "claimed_by__email": claimant.email if claimant else None,
        "verified_at": alarm.verified_at,
        "snapshot_url": alarm.snapshot_url,
    }
    return _row_shape().row(values, images=images)
