"""Inserting many rows at once, for the import's staging table and the demo's address base.

The ORM's bulk_create builds a model instance and compiles SQL per row: for a million addresses that costs more
than checking them. One executemany of plain tuples is what the database's own bulk load does best; values must
already be what the column holds (ids for foreign keys, dates, booleans), since no field converts them.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def column(model: type[models.Model], name: str) -> str:
    """The database column of a model field (or of its attname: "commune_id")."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows (tuples in the order of `names`) into the model's table with one executemany."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column(model, name)) for name in names)
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})", rows)  # noqa: S608
