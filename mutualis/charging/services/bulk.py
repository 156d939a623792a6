"""Plain-SQL writes of many rows at once, for the gateway's hottest paths (the message log, meter values)."""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

# Rows per INSERT statement: a multi-row VALUES list is one step of the database (and one release of the GIL by the
# driver) where executemany takes one per row — with the event loop holding the GIL, each of those waited for it.
ROWS_PER_STATEMENT = 500


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT `rows` (values already adapted for the database, in `columns` order) into `model`'s table, a few
    hundred per statement (within the backend's limit of parameters)."""
    if not rows:
        return
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(column) for column in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    limit = connection.features.max_query_params or 65535
    per = max(1, min(ROWS_PER_STATEMENT, limit // len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))}",  # noqa: S608
                [value for row in chunk for value in row],
            )
