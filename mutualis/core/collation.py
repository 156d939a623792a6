"""Names sorted as a French reader expects: « Béhoust » before « Bullion », « Élancourt » among the E, whatever
the case (ICU collation on PostgreSQL, a Python key registered on each SQLite connection).

Use `order_by(french("name"), "pk")` in selectors, and `french_key` to sort a Python list.
"""

import unicodedata
from typing import Any

from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.functions import Collate

SQLITE_COLLATION = "mutualis_fr"
POSTGRES_COLLATION = "fr-x-icu"  # created by initdb when PostgreSQL is built with ICU (Debian's is)


def french_key(text: str | None) -> tuple[str, str]:
    """Sort key: letters without accents and case first, then the exact text to break ties stably."""
    text = text or ""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    # Apostrophes, hyphens and spaces weigh the same, so « Saint-Cyr » and « Saint Cyr » sort together.
    folded = "".join(" " if c in "'’-_" else c for c in folded)
    return folded, text


def _sqlite_compare(left: str, right: str) -> int:
    a, b = french_key(left), french_key(right)
    return (a > b) - (a < b)


def register_sqlite_collation(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created receiver: teach each SQLite connection the French collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _sqlite_compare)


def french(field: str) -> Collate:
    """An order_by() expression sorting `field` in French order on the database in use."""
    name = POSTGRES_COLLATION if connection.vendor == "postgresql" else SQLITE_COLLATION
    return Collate(F(field), name)


def connect() -> None:
    """Called once from core's AppConfig.ready()."""
    connection_created.connect(register_sqlite_collation, dispatch_uid="mutualis_french_collation")
