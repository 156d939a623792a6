"""The open security alarms a batch of events correlates with: read in one statement per batch, and remembered
between batches by a process that stays the database's only writer meanwhile.

A batch of a camera storm looks up the open alarms of its (device, kind) pairs, of its correlation ids and, on the
sites whose merge rule is on, the latest forced-door and motion alarm (`load_open_alarms`): a tenth of the batch
at 20,000 open alarms. Most of what it finds, the previous batch of the same process has just read or written. On
SQLite, `OpenAlarmMemory` keeps those alarms from one batch to the next while it can prove the database is as its
last batch left it: no other connection has committed (`PRAGMA data_version` unchanged) and this connection has
changed no row outside the batches (its `total_changes` unchanged). The first write from anywhere else (an
operator closing an alarm, the escalation task, another ingest process) and the memory starts again from the
database. What it holds is, for each key it has read, what the database would answer: the latest open alarm of a
pair (or none) down to the floor it was read with, of a correlation id, of a site's merge kinds. On PostgreSQL,
inside an outer transaction (which may yet roll back) or after a failed batch, nothing is remembered.
"""

import datetime
import threading
from typing import Any

from django.db import connection

from mutualis.core.bulk import among, bulk_cursor, column, db_datetime, read_datetime, rows_among
from mutualis.supervision.choices import OPEN_STATUSES, AlarmCategory, EventKind
from mutualis.supervision.models import Alarm, ProtectedSite

MERGE_KINDS = frozenset({EventKind.DOOR_FORCED, EventKind.MOTION})


class OpenAlarm:
    """What the correlation reads and changes of a security alarm, open before the batch (`pk` set) or raised by it
    (the rest of the alarm is the operator's)."""

    __slots__ = ("pk", "site_id", "device_id", "kind", "source_ref", "last_event_at", "event_count", "snapshot_url",
                 "zone", "priority", "title", "first_event_at", "next_escalation_at", "dirty")  # fmt: skip

    def __init__(
        self,
        pk: int | None,
        site_id: int,
        device_id: int | None,
        kind: str,
        source_ref: str,
        last_event_at: datetime.datetime,
        event_count: int,
        snapshot_url: str,
        zone: str,
        priority: int,
        title: str,
    ) -> None:
        self.pk, self.site_id, self.device_id, self.kind, self.source_ref = pk, site_id, device_id, kind, source_ref
        self.last_event_at, self.event_count, self.snapshot_url, self.zone = (
            last_event_at,
            event_count,
            snapshot_url,
            zone,
        )
        self.priority, self.title = priority, title
        self.first_event_at = last_event_at
        self.next_escalation_at: datetime.datetime | None = None
        # Fields changed beyond the count and the last event: an UPDATE sets only those, since each indexed column
        # it names costs an index write.
        self.dirty: set[str] = set()


# Loaded from an open alarm, in the order of `OpenAlarm`'s slots, and its category.
ALARM_COLUMNS = (
    "pk", "protected_site_id", "device_id", "kind", "source_ref", "last_event_at", "event_count", "snapshot_url",
    "zone", "priority", "title", "category",
)  # fmt: skip


def load_open_alarms(
    pairs: set[tuple[int, str]], refs: set[str], merge_sites: set[int], floor: datetime.datetime
) -> list[OpenAlarm]:
    """The open security alarms a batch's correlation may consult, in one statement of three lookups, each on its
    index: those of the batch's (device, kind) pairs, those of its correlation ids, and the latest forced-door and
    motion alarm of each site whose merge rule is on. Written in SQL once for all batches: building these with the
    ORM cost more than running them (the planner, given one query OR-ing the three, scanned every open alarm)."""
    quote = connection.ops.quote_name
    table, sites = quote(Alarm._meta.db_table), quote(ProtectedSite._meta.db_table)

    def col(name: str, alias: str = table) -> str:
        return f"{alias}.{quote(str(Alarm._meta.pk.column) if name == 'pk' else column(Alarm, name))}"

    sqlite = connection.vendor == "sqlite"
    # SQLite's driver parses datetime columns with a Python regular expression; as text, read_datetime is C.
    last = f"CAST({col('last_event_at')} AS TEXT)" if sqlite else col("last_event_at")
    select = ", ".join(last if name == "last_event_at" else col(name) for name in ALARM_COLUMNS)
    statuses = sorted(OPEN_STATUSES)
    # Of a pair's open alarms, only those recent enough to take the batch's events: a storm nobody has closed yet
    # leaves dozens per camera.
    by_pairs = rows_among(
        Alarm, ("device", "kind"), pairs, also=("status", statuses), at_least=("last_event_at", db_datetime()(floor))
    )
    parts, params = [f"SELECT {select} FROM {table} WHERE {by_pairs.sql}"], list(by_pairs.params)  # noqa: S608
    if refs:
        # Driven by the references (their index), not by the open statuses: SQLite, given `source_ref IN (…)`,
        # walked every open alarm of the status index, most of a batch's time once thousands were open. The
        # category is checked below.
        by_ref = rows_among(Alarm, ("source_ref",), [(ref,) for ref in refs], also=("status", statuses))
        parts.append(f"SELECT {select} FROM {table} WHERE {by_ref.sql}")  # noqa: S608
        params += by_ref.params
    if merge_sites:
        # The latest alarm of each merge kind and open status, each on its (site, kind, status, last event) index,
        # the latest of them kept below: ORDER BY … LIMIT 1 over the three statuses at once sorted every open alarm
        # of the site. One statement text for the six lookups, their values as parameters.
        site_list = among(merge_sites, integers=True)
        latest = (
            f"SELECT {col('pk', 'u')} FROM {table} AS u WHERE {col('protected_site', 'u')} = s.{quote('id')} "  # noqa: S608
            f"AND {col('kind', 'u')} = %s AND {col('status', 'u')} = %s AND {col('category', 'u')} = %s "
            f"ORDER BY {col('last_event_at', 'u')} DESC, {col('pk', 'u')} DESC LIMIT 1"
        )
        keys = f"SELECT ({latest}) FROM {sites} AS s WHERE s.{quote('id')} IN ({site_list.sql})"  # noqa: S608
        # PostgreSQL: the keys as an array first, then each alarm by its primary key. Given `IN (…)`, its planner
        # hashed a scan of the whole alarm table for each of the six lookups (more than half a batch's reads once a
        # storm had left thousands of alarms).
        wanted = f"IN ({keys})" if sqlite else f"= ANY(ARRAY({keys}))"
        by_site = f"SELECT {select} FROM {table} WHERE {col('pk')} {wanted}"  # noqa: S608
        for kind in sorted(MERGE_KINDS):
            for status in statuses:
                parts.append(by_site)
                params += [kind, status, AlarmCategory.SECURITY, *site_list.params]
    to_datetime = read_datetime()
    alarms = []
    with bulk_cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)  # noqa: S608 - names from the models, values as parameters
        for *row, category in cursor.fetchall():
            if category == AlarmCategory.SECURITY:
                alarm = OpenAlarm(*row)
                alarm.last_event_at = to_datetime(alarm.last_event_at)  # type: ignore[assignment]  # never null
                alarms.append(alarm)
    return alarms


def _later(current: OpenAlarm | None, other: OpenAlarm | None) -> OpenAlarm | None:
    """The more recent of two alarms of one key (by last event, then primary key, as the correlation orders them)."""
    if current is None:
        return other
    if other is None:
        return current
    return other if (other.last_event_at, other.pk or 0) > (current.last_event_at, current.pk or 0) else current


# Beyond this many alarms remembered, the memory starts again (a process that runs for weeks).
MEMORY_LIMIT = 100_000


class OpenAlarmMemory:
    """What the batches of this thread's connection have read and written of the open security alarms, valid while
    nothing else writes to the database. A batch calls `opening()` inside its transaction before its first write,
    `confirm()` after it, `alarms()` and `priorities()` to read, `learn()` once its alarms are saved, then `seal()`
    after its commit, or `forget()` when it fails."""

    def __init__(self) -> None:
        self.mark: tuple[Any, int, int] | None = None  # (driver connection, data_version, total_changes) at seal
        self.hits = 0  # keys answered from memory (what the tests look at)
        self._batch: tuple[Any, int] | None = None  # the open batch's (driver connection, total_changes before)
        self._version: int | None = None
        self._reset()

    def _reset(self) -> None:
        self.by_pk: dict[int, OpenAlarm] = {}  # one object per alarm, whichever key found it
        # pair → (its latest open alarm down to the floor, or None; that floor)
        self.pairs: dict[tuple[int, str], tuple[OpenAlarm | None, datetime.datetime]] = {}
        self.refs: dict[str, OpenAlarm | None] = {}
        self.merge: dict[int, dict[str, OpenAlarm]] = {}  # site → its latest open alarm of each merge kind
        self.site_priorities: dict[int, dict[str, int]] = {}

    def forget(self) -> None:
        """Start again from the database (the batch failed, or the database changed)."""
        self.mark, self._batch, self._version = None, None, None
        self._reset()

    def opening(self, outermost: bool) -> None:
        """Inside the batch's transaction, before its first write; `outermost`: no transaction around it (one that
        might roll back after this batch has been remembered)."""
        self._batch = None
        if connection.vendor == "sqlite" and outermost:
            driver = connection.connection
            self._batch = (driver, driver.total_changes)

    def confirm(self) -> None:
        """After the batch's first write (its connection holds the write lock and sees every commit): keep what is
        remembered only if the database is as the last batch left it."""
        if self._batch is None:
            self.forget()
            return
        driver, changes = self._batch
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA data_version")
            self._version = cursor.fetchone()[0]
        if self.mark != (driver, self._version, changes) or len(self.by_pk) > MEMORY_LIMIT:
            self._reset()

    @property
    def active(self) -> bool:
        return self._batch is not None

    def seal(self) -> None:
        """After the batch's commit: what is remembered is what the database now holds."""
        if self._batch is None or self._version is None:
            self.forget()
            return
        driver = self._batch[0]
        self.mark = (driver, self._version, driver.total_changes)
        self._batch = None

    def _canonical(self, alarm: OpenAlarm) -> OpenAlarm:
        assert alarm.pk is not None
        return self.by_pk.setdefault(alarm.pk, alarm)

    def alarms(
        self, pairs: set[tuple[int, str]], refs: set[str], merge_sites: set[int], floor: datetime.datetime
    ) -> list[OpenAlarm]:
        """The open security alarms a batch may consult (as `load_open_alarms`), from memory for the keys it
        holds, from the database for the others."""
        if not self.active:
            return load_open_alarms(pairs, refs, merge_sites, floor)
        found: list[OpenAlarm] = []
        read_pairs = set()
        for pair in pairs:
            known = self.pairs.get(pair)
            if known is None or known[1] > floor:  # never read, or read with a later floor (a late event)
                read_pairs.add(pair)
            elif known[0] is not None:
                found.append(known[0])
        read_refs = {ref for ref in refs if ref not in self.refs}
        read_sites = {site for site in merge_sites if site not in self.merge}
        for ref in refs - read_refs:
            if (alarm := self.refs[ref]) is not None:
                found.append(alarm)
        for site in merge_sites - read_sites:
            found.extend(self.merge[site].values())
        self.hits += len(pairs) - len(read_pairs) + len(refs) - len(read_refs) + len(merge_sites) - len(read_sites)
        if read_pairs or read_refs or read_sites:
            loaded = [self._canonical(a) for a in load_open_alarms(read_pairs, read_refs, read_sites, floor)]
            latest: dict[tuple[int, str], OpenAlarm | None] = dict.fromkeys(read_pairs)
            for alarm in loaded:
                pair = (alarm.device_id, alarm.kind)  # type: ignore[assignment]  # None is never a read pair
                if pair in latest and alarm.last_event_at >= floor:
                    latest[pair] = _later(latest[pair], alarm)
            for pair, alarm in latest.items():
                self.pairs[pair] = (alarm, floor)
            for ref in read_refs:
                self.refs[ref] = None
            for site in read_sites:
                self.merge[site] = {}
            for alarm in loaded:
                if alarm.source_ref in read_refs:
                    self.refs[alarm.source_ref] = _later(self.refs[alarm.source_ref], alarm)
                if alarm.site_id in read_sites and alarm.kind in MERGE_KINDS:
                    kinds = self.merge[alarm.site_id]
                    kinds[alarm.kind] = _later(kinds.get(alarm.kind), alarm)  # type: ignore[assignment]
            found.extend(loaded)
        return found

    def priorities(self, sites: set[int], read: Any) -> dict[tuple[int, str], int]:
        """The sites' priority rules, (site, kind) → priority; `read(sites)` gives the rows of those not held."""
        missing = sites - self.site_priorities.keys() if self.active else sites
        rows = read(missing) if missing else []
        if not self.active:
            return {(site, kind): priority for site, kind, priority in rows}
        for site in missing:
            self.site_priorities[site] = {}
        for site, kind, priority in rows:
            self.site_priorities[site][kind] = priority
        return {(site, kind): p for site in sites for kind, p in self.site_priorities[site].items()}

    def learn(self, touched: list[OpenAlarm], moved: list[tuple[int | None, str, int]]) -> None:
        """After the batch's alarms are saved: `touched`, the alarms it raised or fed; `moved`, the (device, kind,
        site) keys an alarm left (a motion alarm a forced door took over)."""
        if not self.active:
            return
        for device_id, kind, site_id in moved:
            if device_id is not None:
                self.pairs.pop((device_id, kind), None)  # its latest is no longer known
            self.merge.pop(site_id, None)
        for alarm in touched:
            alarm = self._canonical(alarm)
            alarm.dirty.clear()
            if alarm.device_id is not None and (known := self.pairs.get((alarm.device_id, alarm.kind))) is not None:
                self.pairs[(alarm.device_id, alarm.kind)] = (_later(known[0], alarm), known[1])
            if alarm.source_ref and alarm.source_ref in self.refs:
                self.refs[alarm.source_ref] = _later(self.refs[alarm.source_ref], alarm)
            if alarm.kind in MERGE_KINDS and (kinds := self.merge.get(alarm.site_id)) is not None:
                kinds[alarm.kind] = _later(kinds.get(alarm.kind), alarm)  # type: ignore[assignment]


_local = threading.local()


def memory() -> OpenAlarmMemory:
    """This thread's memory (each thread has its own connection)."""
    if not hasattr(_local, "memory"):
        _local.memory = OpenAlarmMemory()
    return _local.memory
