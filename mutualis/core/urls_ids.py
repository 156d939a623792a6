"""Identifiers in URLs: `<id:pk>` matches 1 to 18 digits, so that a longer number is a 404 at routing instead of
an integer the database cannot hold (SQLite raises OverflowError on it)."""

from typing import Any

ID_REGEX = "[0-9]{1,18}"


class IdConverter:
    regex = ID_REGEX

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(int(value))
