"""Collecting a service's validation errors by field, so that a form or the API shows every problem at once."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

MAX_ID = 2**63 - 1  # the largest primary key a database column holds (bigint)


def parse_id(value: Any) -> int | None:
    """A primary key typed by a user (query string, URL, form), or None when it cannot be one: only ASCII digits
    (no sign, no exponent, no "²"), at most MAX_ID — larger numbers overflow SQLite instead of finding nothing."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class Errors:
    """French messages by field; `raise_if_any()` raises them together as one ValidationError."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[Any]] = {}

    def add(self, field: str | None, message: Any) -> None:
        self.by_field.setdefault(field or NON_FIELD_ERRORS, []).append(message)

    def has(self, field: str) -> bool:
        return field in self.by_field

    def merge(self, exc: ValidationError) -> None:
        """Keep another ValidationError's messages (without repeating one already there)."""
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        for field, messages in errors.items():
            for message in messages:
                if message not in self.by_field.get(field, []):
                    self.add(field, message)

    def check(self, rule: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run a rule that raises ValidationError (e.g. rules.assert_*) and keep its message instead of stopping."""
        try:
            rule(*args, **kwargs)
        except ValidationError as exc:
            self.merge(exc)

    def full_clean(self, obj: models.Model, **kwargs: Any) -> None:
        """The model's own validation (field validators, uniqueness, constraints)."""
        try:
            obj.full_clean(**kwargs)
        except ValidationError as exc:
            self.merge(exc)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)
