"""Writing and reading many rows at once, below the ORM, for the few paths where volume is the product: an address
import of a million lines, a storm of camera events.

The ORM's bulk_create builds a model instance and compiles SQL per row, and iterating a queryset builds an instance
per row: for thousands of rows a batch, that costs more than storing them. These helpers take and give plain tuples;
values must already be what the column holds (ids for foreign keys, `db_datetime` for datetimes, `db_json` for JSON),
since no field converts them.
"""

import contextlib
import datetime
import fcntl
import json
import sqlite3
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

import orjson
from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

_UTC = datetime.UTC


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(str(model._meta.db_table))


def _pk(model: type[models.Model]) -> str:
    return connection.ops.quote_name(str(model._meta.pk.column))


def column(model: type[models.Model], name: str) -> str:
    """The database column of a model field (or of its attname: "commune_id")."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def _sqlite_datetime(value: datetime.datetime | None) -> str | None:
    # What Django's SQLite backend stores (naive UTC, `str()` of the datetime), without its per-call settings lookups.
    if value is None:
        return None
    if value.tzinfo is _UTC:
        # Most of them (Frigate's epochs, ISO 8601 in UTC, timezone.now()). orjson writes the same text as `str()`
        # (microseconds left out when zero) with a « T » and « +00:00 », in a quarter of the time: `str()` of a
        # datetime was a twentieth of the MQTT ingest process.
        return orjson.dumps(value)[1:-7].replace(b"T", b" ").decode()
    if value.tzinfo is not None:
        value = value.astimezone(_UTC).replace(tzinfo=None)
    return str(value)


def _same(value: Any) -> Any:
    return value


def db_datetime() -> Callable[[datetime.datetime | None], Any]:
    """The function that turns an aware datetime into what this connection's datetime columns hold (call once per
    batch): SQLite keeps naive UTC text; PostgreSQL's driver adapts aware datetimes itself."""
    return _sqlite_datetime if connection.vendor == "sqlite" else _same


def _sqlite_read_datetime(value: Any) -> datetime.datetime | None:
    if value is None or isinstance(value, datetime.datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=_UTC)
    return datetime.datetime.fromisoformat(value).replace(tzinfo=_UTC)


def read_isoformat() -> Callable[[Any], str | None]:
    """The function that turns a datetime column read by raw SQL into its ISO 8601 text with offset, what
    `read_datetime()(value).isoformat()` gives, without building the datetime on SQLite, where the column holds
    UTC as `YYYY-MM-DD HH:MM:SS[.ffffff]` (a console sends two dates for each of thousands of alarms a second)."""
    return _sqlite_isoformat if connection.vendor == "sqlite" else _isoformat


def _sqlite_isoformat(value: Any) -> str | None:
    if isinstance(value, str) and len(value) in (19, 26) and value[10] == " ":
        return f"{value[:10]}T{value[11:]}+00:00"
    parsed = _sqlite_read_datetime(value)
    return None if parsed is None else parsed.isoformat()


def _isoformat(value: datetime.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def datetime_column(name: str) -> Any:
    """A datetime column selected for `read_datetime` in a queryset (`annotate`): as text on SQLite, where the
    driver's converter is a Python regular expression and read_datetime parses in C; the column itself elsewhere."""
    if connection.vendor == "sqlite":
        return Cast(name, output_field=models.TextField())
    return models.F(name)


def read_datetime() -> Callable[[Any], datetime.datetime | None]:
    """The function that turns a datetime column read by raw SQL into an aware datetime (call once per batch)."""
    return _sqlite_read_datetime if connection.vendor == "sqlite" else _same


def db_json(model: type[models.Model], name: str) -> Callable[[Any], Any]:
    """The function that prepares a value for the model's JSON field `name`."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    if type(field) is models.JSONField and field.encoder is None:
        # What get_db_prep_save comes to for a plain value (dict, list…), without its four calls a row, and encoded
        # by orjson: the standard encoder was a tenth of an MQTT ingest batch (a review's data per event). The same
        # JSON, without the spaces; like json.dumps, a value JSON cannot hold is a TypeError.
        if connection.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            return lambda value: Jsonb(value, dumps=_orjson_text)
        return _orjson_text
    return lambda value: field.get_db_prep_save(value, connection)


def _orjson_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def among(values: Collection[str] | Collection[int], *, integers: bool = False) -> RawSQL:
    """The right-hand side of a `field__in=` lookup on many values, as one parameter (a JSON array read by SQLite's
    json_each, a PostgreSQL array): the ORM prepares an IN list value by value, which cost a tenth of a batch."""
    items = list(values)
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(items)])
    return RawSQL(f"SELECT unnest(%s::{'bigint' if integers else 'text'}[])", [items])  # noqa: S611 - our type


class Among(models.Lookup):
    """`pk__among=ids`, `site_id__among=ids`, `external_id__among=names`: the column is one of many values, passed as one parameter, in
    the form each planner counts. SQLite reads a JSON array (json_each, as `among` does); PostgreSQL gets
    `= ANY(array)`, whose length the planner sees and which an index on the column serves: `IN (SELECT unnest(…))`,
    guessed at a hundred rows, made it hash every alarm, or compare every device of a source with every name, once a
    storm's statistics were stale. Also takes a `Compiled` query's list slot (`list_slot(mark)`)."""

    lookup_name = "among"
    prepare_rhs = False

    def _integers(self) -> bool:
        field = self.lhs.output_field
        return isinstance(getattr(field, "target_field", field), models.IntegerField)  # a foreign key: its target

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if isinstance(value, _ListMark):  # a Compiled slot: its values are encoded per database at each run
            return "%s", (value if connection.vendor == "sqlite" else [value],)
        items = [int(item) if self._integers() else str(item) for item in value]
        return "%s", (json.dumps(items) if connection.vendor == "sqlite" else items,)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        params = (*lhs_params, *rhs_params)
        if connection.vendor == "sqlite":
            return f"{lhs} IN (SELECT value FROM json_each({rhs}))", params  # noqa: S608 - our own SQL
        return f"{lhs} = ANY({rhs}::{'bigint' if self._integers() else 'text'}[])", params


for _field in (models.IntegerField, models.ForeignKey, models.CharField, models.TextField):
    _field.register_lookup(Among)


def rows_among(
    model: type[models.Model],
    names: Sequence[str],
    keys: Collection[Sequence[Any]],
    *,
    also: tuple[str, Sequence[str]] | None = None,
    at_least: tuple[str, Any] | None = None,
) -> RawSQL:
    """A filter: the row's values of `names` are one of `keys` (tuples), as one parameter. Written as a primary key
    lookup driven by the keys — a join from the list to the table on an index whose first columns are `names` —: as
    a plain `(a, b) IN (…)` the planner may prefer another index and scan its rows (a batch looks up its open alarms
    by (device, kind, status) among thousands, and SQLite took the status index for `source_ref IN (…)`). `also` is
    one more column and its allowed values (the next column of that index: the open statuses); `at_least` a last
    column and its lowest value (a range on the index's last column: the alarms of the last few minutes)."""
    quote = connection.ops.quote_name
    table, pk = _table(model), _pk(model)
    columns = [quote(column(model, name)) for name in names]
    extra, extra_params = "", []
    if also is not None:
        extra = f" AND r.{quote(column(model, also[0]))} IN ({', '.join(['%s'] * len(also[1]))})"
        extra_params = list(also[1])
    if at_least is not None:
        extra += f" AND r.{quote(column(model, at_least[0]))} >= %s"
        extra_params.append(at_least[1])
    if connection.vendor == "sqlite":
        # CROSS JOIN: SQLite keeps the list as the outer loop.
        on = " AND ".join(f"r.{c} = json_extract(j.value, '$[{n}]')" for n, c in enumerate(columns))
        source = f"json_each(%s) AS j CROSS JOIN {table} AS r ON {on}"
        params: list[Any] = [json.dumps([list(key) for key in keys])]
    else:
        fields = [model._meta.get_field(name) for name in names]
        types = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
        aliases = ", ".join(f"k{n}" for n in range(len(names)))
        on = " AND ".join(f"r.{c} = j.k{n}" for n, c in enumerate(columns))
        source = f"unnest({types}) AS j({aliases}) JOIN {table} AS r ON {on}"
        params = [[key[n] for key in keys] for n in range(len(names))]
    sql = f"{table}.{pk} IN (SELECT r.{pk} FROM {source}{extra})"  # noqa: S608 - names from the model
    return RawSQL(sql, [*params, *extra_params], output_field=models.BooleanField())  # noqa: S611 - names from the model


def bulk_cursor() -> Any:
    """A cursor for the statements of these helpers: Django's, and on PostgreSQL one binding its parameters on the
    server, wrapped by Django all the same (its errors, `connection.queries`, execute wrappers). Django's own
    cursors compose every statement with its values on the client: for a statement of a batch, thousands of values
    in arrays, psycopg then parses the statement in Python each time (never cached) and the server parses the
    literals — a batch of a thousand camera events took a fifth of a second more for it."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor: Any = psycopg.Cursor(connection.connection)  # (the stubs expect Django's wrapper: it takes this)
    return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)


def raw_rows(queryset: models.QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list()` queryset as the driver gives them, without the ORM's per-value converters
    (datetimes naive on SQLite, or text when selected as text: read them with `read_datetime`; booleans 0/1)."""
    sql, params = queryset.query.sql_with_params()
    with bulk_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def present(model: type[models.Model], name: str, values: Collection[str], **equal: Any) -> set[str]:
    """Those of `values` (texts) that a row of `model` holds in column `name`, among the rows whose other columns
    are `equal` — looked up value by value on a unique index (equal…, name). On PostgreSQL a LATERAL probe per
    value, which the planner cannot turn into a scan of every row matching `equal`: it did for the known events of
    a source while the table's statistics lagged a storm (a time linear in the source's events)."""
    items = list(values)
    if not items:
        return set()
    quote = connection.ops.quote_name
    fixed = [f"r.{quote(column(model, key))} = %s" for key in equal]
    probe = f"r.{quote(column(model, name))}"
    if connection.vendor == "sqlite":
        where = " AND ".join([*fixed, f"{probe} IN (SELECT value FROM json_each(%s))"])  # noqa: S608 - names from the model
        sql = f"SELECT DISTINCT {probe} FROM {_table(model)} AS r WHERE {where}"  # noqa: S608 - names from the model
        params = [*equal.values(), json.dumps(items)]
    else:
        where = " AND ".join([*fixed, f"{probe} = j.k"])
        sql = (
            f"SELECT j.k FROM unnest(%s::text[]) AS j(k) CROSS JOIN LATERAL "  # noqa: S608 - names from the model
            f"(SELECT 1 FROM {_table(model)} AS r WHERE {where} LIMIT 1) AS hit"
        )
        params = [items, *equal.values()]
    with bulk_cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _unnest(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> tuple[str, list[Any]]:
    """PostgreSQL: the rows as one array per column, `unnest(%b::type[], …)`: one statement for the whole batch
    (an executemany there costs a round trip per row, three quarters of a batch's time). The arrays travel in
    binary (`%b`, for `bulk_cursor`): as text, psycopg escaped each element with a regular expression."""
    fields = [model._meta.pk if name == "pk" else model._meta.get_field(name) for name in names]
    types = ", ".join(f"%b::{field.rel_db_type(connection) if name == 'pk' else field.db_type(connection)}[]"  # type: ignore[union-attr]
                      for name, field in zip(names, fields, strict=True))  # fmt: skip
    return f"unnest({types})", [list(values) for values in zip(*rows, strict=True)]


# Rows per multi-row INSERT on SQLite. One statement is one step of the database, and one release of the GIL by the
# driver, where executemany takes one per row: in a process whose other thread holds the GIL (an event loop, an MQTT
# client), each of those steps waited for it.
ROWS_PER_STATEMENT = 500


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows (tuples in the order of `names`) into the model's table: multi-row INSERTs of a few hundred rows
    on SQLite, one INSERT … SELECT FROM unnest(…) on PostgreSQL."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column(model, name)) for name in names)
    table = _table(model)
    with bulk_cursor() as cursor:
        if connection.vendor == "postgresql":
            source, params = _unnest(model, names, rows)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT * FROM {source}", params)  # noqa: S608
            return
        for sql, params in _multirow(f"INSERT INTO {table} ({columns})", len(names), rows):
            _sqlite_execute(cursor, sql, params)


def _multirow(
    head: str,
    width: int,
    rows: Sequence[Sequence[Any]],
    tail: str = "",
    *,
    per: int = ROWS_PER_STATEMENT,
    mark: str = "?",
) -> Iterator[tuple[str, list[Any]]]:
    """The statements of a multi-row INSERT (`?` marks for SQLite's own cursor), at most `per` rows and the
    database's parameter limit each: `head VALUES (…), (…) tail` and its flat parameters."""
    one = "(" + ", ".join([mark] * width) + ")"
    size = max(1, min(per, _max_parameters() // width))
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        yield f"{head} VALUES {', '.join([one] * len(chunk))}{tail}", [value for row in chunk for value in row]


def _sqlite_execute(cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """SQLite: run a statement written with `?` marks on the driver's own cursor. Django's cursor rewrites each
    `%s` of a statement with a regular expression: a tenth of the time of a 500-row INSERT. Its errors are still
    Django's; the statement is not in `connection.queries` (DEBUG) nor seen by execute wrappers."""
    with connection.wrap_database_errors:
        sqlite3.Cursor.execute(cursor.cursor, sql, params)


def _max_parameters() -> int:
    """How many parameters one statement may hold: SQLite's own limit (Django assumes 999, the limit of builds
    before 3.32: 27 alarms a statement instead of 900), PostgreSQL's 65,535."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        return min(32_766, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return 65_535


def insert_returning(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """Insert rows like `insert_rows` and return the new primary keys in the rows' order (as bulk_create relies on):
    multi-row INSERT … RETURNING on SQLite (≥ 3.35), INSERT … SELECT FROM unnest(…) RETURNING on PostgreSQL."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column(model, name)) for name in names)
    head = f"INSERT INTO {_table(model)} ({columns})"
    returning = f" RETURNING {_pk(model)}"
    keys: list[int] = []
    with bulk_cursor() as cursor:
        if connection.vendor == "postgresql":
            # Rows come back in the order of the arrays, as Django's bulk_create relies on since 5.2.
            source, params = _unnest(model, names, rows)
            cursor.execute(f"{head} SELECT * FROM {source}{returning}", params)  # noqa: S608 - names from the model
            return [pk for (pk,) in cursor.fetchall()]
        for sql, params in _multirow(head, len(names), rows, returning, per=len(rows)):
            _sqlite_execute(cursor, sql, params)
            keys.extend(pk for (pk,) in cursor.fetchall())
    return keys


def update_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE many rows of the model, each with its own values: `rows` are tuples of the values in the order of
    `names`, then the primary key. One executemany on SQLite, one UPDATE … FROM unnest(…) on PostgreSQL
    (bulk_update's CASE chains are slower than both)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table, pk = _table(model), _pk(model)
    with bulk_cursor() as cursor:
        if connection.vendor == "postgresql":
            source, params = _unnest(model, [*names, "pk"], rows)
            aliases = ", ".join(f"c{n}" for n in range(len(names)))
            sets = ", ".join(f"{quote(column(model, name))} = v.c{n}" for n, name in enumerate(names))
            sql = f"UPDATE {table} SET {sets} FROM {source} AS v({aliases}, k) WHERE {table}.{pk} = v.k"  # noqa: S608
            cursor.execute(sql, params)
        else:
            sets = ", ".join(f"{quote(column(model, name))} = %s" for name in names)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)  # noqa: S608


def add_to_counts(model: type[models.Model], keys: Sequence[str], name: str, rows: Sequence[Sequence[Any]]) -> None:
    """Add to a counter column, creating the row when its key is new: `rows` are (key values…, n), each key once.
    INSERT … ON CONFLICT DO UPDATE (SQLite ≥ 3.24, PostgreSQL): `name = name + n` is right even when another
    transaction adds to the same row at the same time, and no read comes first."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table, col = _table(model), quote(column(model, name))
    key_columns = ", ".join(quote(column(model, key)) for key in keys)
    conflict = f"ON CONFLICT ({key_columns}) DO UPDATE SET {col} = {table}.{col} + excluded.{col}"
    with bulk_cursor() as cursor:
        if connection.vendor == "postgresql":
            source, params = _unnest(model, [*keys, name], rows)
            cursor.execute(f"INSERT INTO {table} ({key_columns}, {col}) SELECT * FROM {source} {conflict}", params)  # noqa: S608
        else:
            head = f"INSERT INTO {table} ({key_columns}, {col})"  # noqa: S608
            for sql, params in _multirow(head, len(keys) + 1, rows, f" {conflict}"):
                _sqlite_execute(cursor, sql, params)


@contextlib.contextmanager
def writer_lock() -> Iterator[None]:
    """Around a write transaction of a volume path on SQLite, outside any other transaction: wait for the other
    processes' batches on an operating-system file lock beside the database. SQLite lets one writer in at a time
    and makes the others poll, sleeping up to 100 ms between tries: two HTTP workers writing batches of a thousand
    events spent a third of their time asleep while the database was free. The kernel wakes the next holder of a
    file lock the moment it is released. Nothing to do on PostgreSQL (row locks queue), inside a transaction (the
    outer one may already hold SQLite's lock: waiting here could deadlock with a process that holds this one and
    waits for SQLite's), or for an in-memory database."""
    name = str(connection.settings_dict["NAME"])
    in_memory = name == ":memory:" or "mode=memory" in name
    if connection.vendor != "sqlite" or connection.in_atomic_block or in_memory:
        yield
        return
    with open(f"{name}.writer-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Compiled:
    """A query of a volume path compiled once per process and run with new values: building and compiling a
    queryset costs the ORM about a millisecond, which a batch of ten camera events paid five times over, more than
    running the queries. `build(*marks)` returns the queryset (or a `values_list`), written with the marks where the
    values go: integers for the `int` slots, `list_slot(mark)` for the `among` lookup's list
    (`name__among=list_slot(mark)`); `rows(*values)` runs it with the values in the marks' order."""

    _MARK = -7_340_033  # an integer no id takes; marks are it minus their position

    def __init__(self, build: Callable[..., Any], slots: int) -> None:
        self.build, self.slots = build, slots
        self._compiled: dict[str, tuple[str, list[Any], list[int | None]]] = {}

    def _marks(self) -> list[int]:
        return [self._MARK - n for n in range(self.slots)]

    def _sql(self) -> tuple[str, list[Any], list[int | None]]:
        key = f"{connection.alias}:{connection.vendor}"
        if key not in self._compiled:
            marks = self._marks()
            sql, params = self.build(*marks).query.sql_with_params()
            where = {mark: n for n, mark in enumerate(marks)}
            positions = [None if (mark := _mark_of(value)) is None else where.get(mark) for value in params]
            found = {p for p in positions if p is not None}
            assert found == set(range(self.slots)), f"every mark once in the compiled query: {sql}"
            self._compiled[key] = (sql, list(params), positions)
        return self._compiled[key]

    def _params(self, template: list[Any], positions: list[int | None], values: Sequence[Any]) -> list[Any]:
        return [
            template[n] if slot is None else _list_param(template[n], values[slot]) for n, slot in enumerate(positions)
        ]

    def rows(self, *values: Any) -> list[tuple[Any, ...]]:
        """The rows as the driver gives them (see `raw_rows`)."""
        sql, template, positions = self._sql()
        with bulk_cursor() as cursor:
            cursor.execute(sql, self._params(template, positions, values))
            return cursor.fetchall()


class _ListMark(str):
    """A list parameter's mark inside a compiled query: SQLite's JSON text, or PostgreSQL's array."""

    mark: int


def _mark_of(value: Any) -> int | None:
    if isinstance(value, _ListMark):
        return value.mark
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], _ListMark):
        return value[0].mark
    return value if isinstance(value, int) and not isinstance(value, bool) and value <= Compiled._MARK else None


def _list_param(template: Any, value: Any) -> Any:
    """The parameter a slot's value takes: as is for a scalar; encoded like `among` for a list slot."""
    if isinstance(template, _ListMark) or (
        isinstance(template, list) and template and isinstance(template[0], _ListMark)
    ):
        items = list(value)
        return json.dumps(items) if connection.vendor == "sqlite" else items
    return value


def list_slot(mark: int) -> "_ListMark":
    """In a `Compiled` query: the slot of a list for the `among` lookup (`pk__among=list_slot(mark)`)."""
    tag = _ListMark(f"mark:{mark}")
    tag.mark = mark
    return tag
