"""What an audit entry changed, as an inspector reads it: one row per field, before → after, in French.

An entry's before/after are JSON pictures of the object (`core.services.snapshot`) keyed by field names. When the
entry's object type is a model (`"members.site"`), each key is labelled by the model field's verbose_name and its
value shown the field's way: a choice by its label, a date « 31/12/2025 », a boolean « Oui »/« Non », a foreign key
by the related object's name and number. Keys that are no field take the label an app registered
(`core.audit_labels.register_detail_labels`), else stay as they are.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mutualis.core.audit_labels import detail_label, model_for
from mutualis.core.money import THOUSANDS_SEPARATOR

EMPTY = "—"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
DECIMAL = re.compile(r"^-?\d+\.\d+$")

Value = str | list[str]


@dataclass(frozen=True)
class DiffRow:
    """One field of an audit entry: its French label and its values before and after (None: not recorded)."""

    key: str
    label: str
    before: Value | None
    after: Value | None

    @property
    def before_items(self) -> list[str]:
        """The value before, as lines (one for a plain value, one per item for a list)."""
        return _items(self.before)

    @property
    def after_items(self) -> list[str]:
        """The value after, as lines (one for a plain value, one per item for a list)."""
        return _items(self.after)


def _items(value: Value | None) -> list[str]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class _Related:
    """Names of the objects foreign keys point to, fetched once per model for all the entries shown."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[int]] = {}
        self.names: dict[tuple[type[models.Model], int], str] = {}

    def want(self, model: type[models.Model], value: Any) -> None:
        for pk in _ids(value):
            self.wanted.setdefault(model, set()).add(pk)

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            # select_related() follows the non-null foreign keys, so that a __str__ naming its parent costs nothing.
            rows = model._base_manager.select_related().in_bulk(ids)
            self.names.update({(model, pk): str(obj) for pk, obj in rows.items()})
        self.wanted = {}

    def name(self, model: type[models.Model], pk: int) -> str | None:
        return self.names.get((model, pk))


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if _is_id(v)]


def _is_id(value: Any) -> bool:
    # Snapshots record a foreign key by its integer id; a text (an INSEE code, an e-mail, a name) is shown as is.
    return isinstance(value, int) and not isinstance(value, bool)


def _sides(value: Any) -> dict[str, Any]:
    # Entries record dicts; anything else (a list, a bare value) is shown as one unnamed row.
    if value is None:
        return {}
    return value if isinstance(value, dict) else {"": value}


def _field(model: Any, key: str) -> Any:
    """The model field (or reverse relation) a key names, by name or attname (`commune_id`), or None."""
    if model is None or not key:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _label(field: Any, key: str) -> str:
    if field is not None and getattr(field, "verbose_name", None):
        return str(capfirst(field.verbose_name))
    if field is not None and field.is_relation and field.related_model is not None:  # a reverse relation
        return str(capfirst(field.related_model._meta.verbose_name_plural))
    return detail_label(key) or key or _("Valeur")


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _french_number(value: Decimal | float, places: int | None = None) -> str:
    """« 13 617,56 »: a decimal comma, thousands apart; a field's extra zeros dropped down to the cents (a price
    of 369,0000 reads 369,00, a rate of 0,0576 stays)."""
    if places is not None and places > 2:
        exponent = Decimal(value).normalize().as_tuple().exponent
        places = min(places, max(2, -exponent if isinstance(exponent, int) else 2))
    text = f"{value:,.{places}f}" if places is not None else f"{value:,}"
    return text.replace(",", THOUSANDS_SEPARATOR).replace(".", ",")


def _french_integer(value: Any) -> str:
    # Years and small counts stay as written (2025); from five digits on, thousands apart (236 416 inhabitants).
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}".replace(",", THOUSANDS_SEPARATOR)
    return str(value)


def _date(value: Any) -> str | None:
    if isinstance(value, str) and ISO_DATE.match(value) and (day := parse_date(value)):
        return day.strftime("%d/%m/%Y")
    return None


def _datetime(value: Any) -> str | None:
    if isinstance(value, str) and ISO_DATETIME.match(value) and (moment := parse_datetime(value)):
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%d/%m/%Y %H:%M")
    return None


def _plain(value: Any, model: Any = None, related: "_Related | None" = None) -> Value:
    """A value no field explains: booleans, numbers, dates and nested pictures written the French way (a nested
    picture of `model`'s rows, such as a call's lines, labelled by that model's fields)."""
    if _is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, float):
        return _french_number(value)
    if isinstance(value, int):
        return _french_integer(value)
    if isinstance(value, list):
        return [_inline(item, model, related) for item in value]
    if isinstance(value, dict):
        return _inline(value, model, related)
    if isinstance(value, str):
        if shown := _date(value) or _datetime(value):
            return shown
        if DECIMAL.match(value):
            return _french_number(Decimal(value), len(value.split(".")[1]))
    return str(value)


def _inline(value: Any, model: Any = None, related: "_Related | None" = None) -> str:
    """A nested value on one line (« Compétence : Centrale d'achat ; Montant : 180,00 »)."""
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            field = _field(model, key)
            parts.append(f"{_label(field, key)} : {_one_line(_shown(field, item, related or _Related()))}")
        return " ; ".join(parts)
    return _one_line(_plain(value, model, related))


def _one_line(value: Value) -> str:
    return ", ".join(value) if isinstance(value, list) else value


def _related_name(field: Any, value: Any, related: _Related) -> str:
    if not _is_id(value):
        return str(value)  # the picture kept the related object's name, code or e-mail rather than its id
    name = related.name(field.related_model, value)
    return _("%(name)s (n° %(id)s)") % {"name": name, "id": value} if name else _("n° %(id)s") % {"id": value}


def _points_to_one(field: Any) -> bool:
    return bool(field.is_relation and field.related_model is not None and (field.many_to_one or field.one_to_one))


def _shown(field: Any, value: Any, related: _Related) -> Value:
    """A value as its field shows it (choice label, French date, Oui/Non, related object's name)."""
    if _is_empty(value) or field is None:
        return _plain(value, None, related)
    if field.is_relation and not field.concrete and field.related_model is not None:
        return _plain(value, field.related_model, related)  # a reverse relation: pictures of the related rows
    if getattr(field, "flatchoices", None) and not isinstance(value, (list, dict)):
        labels = {str(code): label for code, label in field.flatchoices}
        return str(labels.get(str(value), value))
    if _points_to_one(field):
        return _related_name(field, value, related)
    if field.many_to_many and isinstance(value, list):
        return [_related_name(field, item, related) for item in value]
    if isinstance(field, models.BooleanField):
        return _("Oui") if value else _("Non")
    if isinstance(field, models.DateTimeField):
        return _datetime(value) or str(value)
    if isinstance(field, models.DateField):
        return _date(value) or str(value)
    if isinstance(field, models.DecimalField):
        try:
            return _french_number(Decimal(str(value)), field.decimal_places)
        except InvalidOperation:
            return str(value)
    if isinstance(field, models.IntegerField):
        return _french_integer(value)
    if isinstance(field, (models.CharField, models.TextField)):
        return str(value)
    return _plain(value, None, related)


def _keys(model: Any, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The keys of both pictures, in the model's field order (PostgreSQL's jsonb does not keep the written order)."""
    keys = list(dict.fromkeys([*after, *before]))
    if model is None:
        return keys
    order = {}
    for index, field in enumerate(model._meta.get_fields()):
        order[field.name] = index
        if attname := getattr(field, "attname", None):
            order[attname] = index
    return sorted(keys, key=lambda key: order.get(key, len(order)))


def _changes(entry: Any) -> list[tuple[str, Any, dict[str, Any], dict[str, Any]]]:
    """The entry's changed keys, each with its model field (None when the key is no field) and both sides."""
    model = model_for(entry.object_type) if entry.object_type else None
    before, after = _sides(entry.before), _sides(entry.after)
    pk_name = model._meta.pk.attname if model is not None else None
    changes = []
    for key in _keys(model, before, after):
        if key == pk_name:
            continue  # the object's own number is the entry's, not a change
        in_before, in_after = key in before, key in after
        if in_before and in_after and before[key] == after[key]:
            continue  # unchanged
        if not (in_before and in_after) and _is_empty(before[key] if in_before else after[key]):
            continue  # an empty field of a created (or removed) object says nothing
        changes.append((key, _field(model, key), before, after))
    return changes


def audit_diffs(entries: Iterable[Any]) -> list[list[DiffRow]]:
    """The rows of each entry, in the entries' order; related objects' names are fetched once for all of them."""
    changes = [_changes(entry) for entry in entries]
    related = _Related()
    for key, field, before, after in (change for entry_changes in changes for change in entry_changes):
        if field is not None and (_points_to_one(field) or field.many_to_many):
            for side in (before, after):
                if key in side:
                    related.want(field.related_model, side[key])
    related.fetch()
    return [
        [
            DiffRow(
                key=key,
                label=_label(field, key),
                before=_shown(field, before[key], related) if key in before else None,
                after=_shown(field, after[key], related) if key in after else None,
            )
            for key, field, before, after in entry_changes
        ]
        for entry_changes in changes
    ]


def audit_diff(entry: Any) -> list[DiffRow]:
    """What one audit entry changed: a row per field, before → after, with French labels and values."""
    return audit_diffs([entry])[0]


def diff_text(rows: Iterable[DiffRow]) -> str:
    """The rows as text for a CSV cell, one line per field: « Statut : Adhésion demandée → Adhésion approuvée »."""
    parts = []
    for row in rows:
        before, after = " | ".join(row.before_items), " | ".join(row.after_items)
        if row.before is not None and row.after is not None:
            parts.append(f"{row.label} : {before} → {after}")
        else:
            parts.append(f"{row.label} : {after if row.after is not None else before}")
    return "\n".join(parts)
