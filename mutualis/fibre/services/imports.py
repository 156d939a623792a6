"""Imports of operator address files (IPE, GraceTHD): checked line by line, all or nothing, idempotent, streamed.

An import runs in two steps, so that its progress can be committed and shown while nothing is written yet:

1. **Check**: the file is read in chunks (fibre.integrations), each line checked (identifier, commune, state,
   counts, dates and their order, PM zone) and staged (`StagedAddress`), batch by batch; each batch commits its
   staged lines with the import's progress. Then set-based queries over the staging table find the identifiers a
   file repeats and the states that would go back (choices.ADDRESS_TRANSITIONS), and count the lines that are
   new, changed or unchanged — so memory holds one batch, never the file.
2. **Apply**, only when every line is valid: one transaction updates the changed addresses and inserts the new
   ones from the staging table with two set-based statements, and records the import in the audit log. Unchanged
   addresses are not touched, so the same file twice changes nothing (its second import counts every line
   unchanged).

A rejected line, or a file that cannot be read (encoding, columns), leaves the address base as it was: the
import's row keeps the reasons (the first REPORT_LIMIT rejected lines, and the count of them all).
"""

import datetime
import logging
import operator
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.bulk import column, insert_rows
from mutualis.core.services import audit_record
from mutualis.fibre.choices import ADDRESS_TRANSITIONS, AddressState, ImportStatus
from mutualis.fibre.integrations import LAYOUTS
from mutualis.fibre.integrations.base import AddressLayout, FileRefused, LineError, Lookups, ReadFile
from mutualis.fibre.models import Address, FibreImport, PMZone, StagedAddress
from mutualis.fibre.permissions import can_manage_fibre
from mutualis.territory.models import Commune

logger = logging.getLogger(__name__)

BATCH_LINES = 10_000
REPORT_LIMIT = 1000
MAX_UPLOAD_BYTES = 2 * 1024**3
# Address columns written by an import, in the order of the staging table's.
DATA_FIELDS = (
    "code",
    "ban_id",
    "hexacle",
    "commune_id",
    "label",
    "dwellings",
    "business_premises",
    "state",
    "signed_on",
    "cabled_on",
    "commissioned_on",
    "pm_zone_id",
    "connected_on",
    "new_building",
    "isolated",
)


def require_fibre_manager(user: User | None) -> None:
    """Refuse (PermissionDenied, in French) anyone but a network officer or an administrator."""
    if user is not None and not can_manage_fibre(user):
        raise PermissionDenied(_("Seuls les chargés des réseaux de l'opérateur importent des fichiers fibre."))


def _layout(key: str) -> AddressLayout:
    if key not in LAYOUTS:
        raise ValidationError(
            {"layout": _("Format inconnu : « %(key)s » (ipe ou gracethd).") % {"key": key}}, code="invalid"
        )
    return LAYOUTS[key]


def import_submit(*, layout: str, file: UploadedFile, acting_user: User) -> FibreImport:
    """Keep an uploaded file and queue its import for the worker (after commit); the returned row shows progress."""
    require_fibre_manager(acting_user)
    _layout(layout)
    if not file.size:
        raise ValidationError({"file": _("Le fichier est vide.")})
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("Le fichier dépasse 2 Go.")})
    name = os.path.basename(file.name or "fichier.csv")[:255]
    fibre_import = FibreImport(layout=layout, file_name=name, size=file.size, origin="web", created_by=acting_user)
    fibre_import.upload.save(name, file, save=False)
    fibre_import.full_clean()
    fibre_import.save()
    from mutualis.fibre.tasks import run_fibre_import

    pk = fibre_import.pk
    transaction.on_commit(lambda: run_fibre_import.enqueue(pk))
    return fibre_import


def import_file(*, path: Path, layout: str, acting_user: User | None = None) -> FibreImport:
    """Import a file from disk now (the `import_fibre` command): the finished import, done or refused."""
    require_fibre_manager(acting_user)
    _layout(layout)
    fibre_import = FibreImport.objects.create(
        layout=layout,
        file_name=path.name[:255],
        size=path.stat().st_size,
        origin="command",
        created_by=acting_user,
    )
    with path.open("rb") as stream:
        return import_run(fibre_import=fibre_import, stream=stream)


def import_run(*, fibre_import: FibreImport, stream: BinaryIO | None = None) -> FibreImport:
    """Run a pending import to its end (safe to call twice: an import already started is returned as it is)."""
    layout = _layout(fibre_import.layout)
    claimed = FibreImport.objects.filter(pk=fibre_import.pk, status=ImportStatus.PENDING).update(
        status=ImportStatus.CHECKING, started_at=timezone.now()
    )
    fibre_import.refresh_from_db()
    if not claimed:
        return fibre_import
    run = _Run(fibre_import, layout)
    try:
        if stream is None:
            with fibre_import.upload.open("rb") as upload:
                run.check(upload)
        else:
            run.check(stream)
        if run.rejected:
            run.fail(
                _("%(count)s ligne(s) rejetée(s) : rien n'a été importé. Corrigez le fichier et déposez-le à nouveau.")
                % {"count": run.rejected}
            )
        else:
            run.apply()
    except FileRefused as exc:
        run.fail(str(exc))
    except (DatabaseError, OSError) as exc:
        logger.exception("fibre import %s failed", fibre_import.pk)
        run.fail(_("Erreur pendant l'import (%(error)s) : rien n'a été importé.") % {"error": type(exc).__name__})
    except Exception:
        # A bug must not leave the import « en cours » forever: refuse it, and let the worker log the error.
        run.fail(_("Erreur inattendue pendant l'import : rien n'a été importé."))
        raise
    finally:
        StagedAddress.objects.filter(fibre_import_id=fibre_import.pk).delete()
        if fibre_import.upload:
            fibre_import.upload.delete(save=False)
            FibreImport.objects.filter(pk=fibre_import.pk).update(upload="")
    fibre_import.refresh_from_db()
    return fibre_import


class _Run:
    """The state of one import while it runs: its counts, the first rejected lines, what its file sets."""

    def __init__(self, fibre_import: FibreImport, layout: AddressLayout) -> None:
        self.fibre_import = fibre_import
        self.layout = layout
        self.lines = self.new = self.changed = self.unchanged = self.rejected = 0
        self.report: list[dict[str, Any]] = []
        self.fields: list[str] = []
        self.read: ReadFile | None = None

    # Step 1: check and stage -------------------------------------------------------------------------------------

    def check(self, stream: Any) -> None:
        self.read = read = self.layout.open(stream)
        self.fields = [name for name in self.layout.fields_set(read) if name != "code"]
        FibreImport.objects.filter(pk=self.fibre_import.pk).update(encoding=read.encoding)
        lookups = Lookups(
            communes=dict(Commune.objects.values_list("insee_code", "pk")),
            pm_zones=dict(PMZone.objects.values_list("reference", "pk")),
        )
        clean = self.layout.cleaner(read, lookups)
        data_values = operator.itemgetter(*DATA_FIELDS)
        head = (self.fibre_import.pk,)
        batch: list[tuple[Any, ...]] = []
        seen = 0
        for row in read.rows:
            if not any(row):  # a blank line, or one of separators only (spreadsheets leave them at the end)
                continue
            line = read.line_number
            values, errors = clean(row, line)
            if values is None:
                self.reject(errors)
            else:
                batch.append((*head, line, *data_values(DEFAULTS | values)))
            seen += 1
            if seen == BATCH_LINES:
                self.lines += seen
                self.stage(batch)
                batch, seen = [], 0
        self.lines += seen
        self.stage(batch)
        if not self.lines:
            raise FileRefused(_("Aucune ligne d'adresse sous l'en-tête."))
        if connection.vendor == "postgresql":
            # Fresh statistics for the set-based queries below: without them PostgreSQL takes the just-filled
            # staging table, or an address table just emptied of a million rows, for an empty one, and picks a
            # nested loop that scans the other table for every line.
            address, staged, _quote = _sql_names()
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {staged}, {address}")
        self.find_duplicates()
        self.find_regressions()
        if not self.rejected:
            self.classify()

    def reject(self, errors: Iterable[LineError]) -> None:
        """Count a rejected line and keep its reasons while the report has room."""
        self.rejected += 1
        if len(self.report) < REPORT_LIMIT:
            self.report.extend(error.as_dict() for error in errors)

    def stage(self, batch: list[tuple[Any, ...]]) -> None:
        """Stage a batch of checked lines and commit it with the import's progress."""
        with transaction.atomic():
            _stage_rows(batch)
            FibreImport.objects.filter(pk=self.fibre_import.pk).update(**self._progress())

    def _header(self, key: str) -> str:
        assert self.read is not None
        return self.read.headers.get(key, key)

    def find_duplicates(self) -> None:
        """Reject every line repeating an identifier of an earlier line of the file (found in the staging table:
        one scan, each line beside the first line of its identifier)."""
        staged, quote = _staged_table(), connection.ops.quote_name
        code, line = quote("code"), quote("line")
        sql = (
            f"SELECT {code}, {line}, first FROM (SELECT {code}, {line}, "  # noqa: S608
            f"MIN({line}) OVER (PARTITION BY {code}) AS first FROM {staged} WHERE {quote('fibre_import_id')} = %s) "
            f"AS lines WHERE {line} > first ORDER BY {line}"
        )
        for value, number, first in _rows(sql, [self.fibre_import.pk]):
            reason = _("Identifiant en double : déjà ligne %(line)s.") % {"line": first}
            self.reject([LineError(number, self._header("code"), value, reason)])

    def find_regressions(self) -> None:
        """Reject every line taking a known address's state backwards (choices.ADDRESS_TRANSITIONS)."""
        address, staged, quote = _sql_names()
        allowed = " OR ".join(
            f"(a.{quote('state')} = %s AND s.{quote('state')} IN ({', '.join(['%s'] * len(targets | {before}))}))"
            for before, targets in ADDRESS_TRANSITIONS.items()
        )
        params: list[Any] = [self.fibre_import.pk]
        for before, targets in ADDRESS_TRANSITIONS.items():
            params += [before, *sorted(targets | {before})]
        sql = (
            f"SELECT s.{quote('line')}, s.{quote('code')}, a.{quote('state')}, s.{quote('state')} "  # noqa: S608
            f"FROM {staged} AS s JOIN {address} AS a ON a.{quote('code')} = s.{quote('code')} "
            f"WHERE s.{quote('fibre_import_id')} = %s AND NOT ({allowed}) ORDER BY s.{quote('line')}"
        )
        labels = dict(AddressState.choices)
        for line, _code, before, after in _rows(sql, params):
            reason = _("L'état ne revient pas en arrière : « %(before)s » ne devient pas « %(after)s ».") % {
                "before": labels[before],
                "after": labels[after],
            }
            self.reject([LineError(line, self._header("state"), after, reason)])

    def classify(self) -> None:
        """Count the staged lines that are new (unknown identifier) and changed (a field their file carries differs);
        the others are unchanged. Two joins, no anti-join: every staged line is either known or new."""
        address, staged, quote = _sql_names()
        join = f"FROM {staged} AS s JOIN {address} AS a ON a.{quote('code')} = s.{quote('code')}"
        where = f"WHERE s.{quote('fibre_import_id')} = %s"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {join} {where}", [self.fibre_import.pk])  # noqa: S608
            known = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT COUNT(*) {join} {where} AND NOT ({_same(self.fields, 'a', 's')})",  # noqa: S608
                [self.fibre_import.pk],
            )
            self.changed = cursor.fetchone()[0]
        self.new = self.lines - known
        self.unchanged = known - self.changed
        FibreImport.objects.filter(pk=self.fibre_import.pk).update(**self._progress())

    def _progress(self) -> dict[str, Any]:
        assert self.read is not None
        return {
            "bytes_read": self.read.counter.count,
            "lines_read": self.lines,
            "new_count": self.new,
            "changed_count": self.changed,
            "unchanged_count": self.unchanged,
            "rejected_count": self.rejected,
        }

    # Step 2: apply, or refuse -----------------------------------------------------------------------------------

    def apply(self) -> None:
        assert self.read is not None
        FibreImport.objects.filter(pk=self.fibre_import.pk).update(status=ImportStatus.APPLYING)
        now = timezone.now()
        with transaction.atomic():
            started = self.fibre_import.started_at or now
            if Address.objects.filter(updated_at__gte=started).exists():
                # Another import (or a correction) changed addresses since this one compared its lines with them.
                raise FileRefused(
                    _("Des adresses ont changé pendant la vérification (un autre import ?) : relancez cet import.")
                )
            if self.changed:
                _update_changed(self.fibre_import.pk, self.fields, now)
            if self.new:
                _insert_new(self.fibre_import.pk, now)
            FibreImport.objects.filter(pk=self.fibre_import.pk).update(
                status=ImportStatus.DONE,
                finished_at=timezone.now(),
                sha256=self.read.counter.digest.hexdigest(),
                rejected_lines=[],
                error="",
                **self._progress(),
            )
            self.fibre_import.refresh_from_db()
            audit_record(
                actor=self.fibre_import.created_by,
                action="fibre.import",
                obj=self.fibre_import,
                after={
                    "layout": self.fibre_import.layout,
                    "file": self.fibre_import.file_name,
                    "sha256": self.fibre_import.sha256,
                    "lines": self.lines,
                    "new": self.new,
                    "changed": self.changed,
                    "unchanged": self.unchanged,
                },
            )

    def fail(self, reason: str) -> None:
        """Refuse the import: its reasons and counts stay on its row, no address was written."""
        read = self.read
        FibreImport.objects.filter(pk=self.fibre_import.pk).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            error=reason,
            rejected_lines=sorted(self.report, key=lambda error: error["line"]),
            rejected_count=self.rejected,
            lines_read=self.lines,
            bytes_read=read.counter.count if read is not None else 0,
            sha256=read.counter.digest.hexdigest() if read is not None else "",
            new_count=0,
            changed_count=0,
            unchanged_count=0,
        )


def _rows(sql: str, params: list[Any]) -> Iterable[tuple[Any, ...]]:
    """The rows of a query, fetched a batch at a time (a report query may match every line of a large file)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(BATCH_LINES):
            yield from chunk


DEFAULTS: dict[str, Any] = {name: StagedAddress._meta.get_field(name).get_default() for name in DATA_FIELDS}  # type: ignore[union-attr]
STAGED_COLUMNS = ("fibre_import_id", "line", *DATA_FIELDS)


def _stage_rows(rows: list[tuple[Any, ...]]) -> None:
    """Insert checked lines (tuples in STAGED_COLUMNS order) into the staging table at once."""
    insert_rows(StagedAddress, STAGED_COLUMNS, rows)


def _staged_table() -> str:
    return connection.ops.quote_name(StagedAddress._meta.db_table)


def _sql_names() -> tuple[str, str, Any]:
    quote = connection.ops.quote_name
    return quote(Address._meta.db_table), _staged_table(), quote


def _column(name: str) -> str:
    return column(Address, name)


def _same(fields: list[str], left: str, right: str) -> str:
    """SQL: the two rows hold the same value in every field (NULL equal to NULL)."""
    quote = connection.ops.quote_name
    pairs = [(f"{left}.{quote(_column(name))}", f"{right}.{quote(_column(name))}") for name in fields]
    return " AND ".join(f"({a} = {b} OR ({a} IS NULL AND {b} IS NULL))" for a, b in pairs) or "1 = 1"


def _insert_new(import_id: int, now: datetime.datetime) -> None:
    """Insert the import's new addresses from the staging table in one statement (set-based: several times faster
    than moving a million rows through Python, and the bench holds imports to half a raw insert's speed). The
    staged lines of known addresses are skipped by the unique index on the identifier (ON CONFLICT DO NOTHING:
    PostgreSQL, and SQLite since 3.24), rather than by an anti-join whose plan depends on statistics."""
    address, staged, quote = _sql_names()
    columns = ", ".join(quote(_column(name)) for name in DATA_FIELDS)
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {address} ({columns}, {quote('created_at')}, {quote('updated_at')}, "  # noqa: S608
            f"{quote('last_import_id')}) SELECT {columns}, %s, %s, %s FROM {staged} AS s "
            # « WHERE … » before ON CONFLICT: SQLite needs it to tell the upsert clause from a join's ON.
            f"WHERE s.{quote('fibre_import_id')} = %s ON CONFLICT ({quote('code')}) DO NOTHING",
            [stamp, stamp, import_id, import_id],
        )


def _update_changed(import_id: int, fields: list[str], now: datetime.datetime) -> None:
    """Update the import's changed addresses from the staging table in one statement, only the fields its file
    carries, only where one differs (UPDATE … FROM: PostgreSQL, and SQLite since 3.33)."""
    address, staged, quote = _sql_names()
    assignments = ", ".join(f"{quote(_column(name))} = s.{quote(_column(name))}" for name in fields)
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {address} SET {assignments}, {quote('updated_at')} = %s, {quote('last_import_id')} = %s "  # noqa: S608
            f"FROM {staged} AS s WHERE s.{quote('fibre_import_id')} = %s "
            f"AND s.{quote('code')} = {address}.{quote('code')} AND NOT ({_same(fields, address, 's')})",
            [stamp, import_id, import_id],
        )
