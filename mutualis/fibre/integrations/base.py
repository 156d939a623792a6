"""Operator address files read line by line: encoding, delimiter and header checks, one base class per layout.

A layout (`AddressLayout` subclass, one small package per format) names its columns and how a line becomes the
values of an `Address`; this module does what every layout shares:

- the bytes are read in bounded chunks (never the whole file), counted and hashed on the way, so that the import
  can show its progress and keep the file's SHA-256 with memory that does not grow with the file;
- the encoding is detected on the first 64 KiB: UTF-8 with or without BOM, else Windows-1252 (the superset of
  Latin-1 that French spreadsheets write), else Latin-1; UTF-16, spreadsheets and binary files are refused;
- the delimiter is the header's most frequent of « ; », « , », tab and « | » (Interop'Fibre files use « ; »);
- headers are matched without regard to case, surrounding spaces or quotes; a missing required column refuses the
  file and names the columns, and says so when the file looks like the other layout.

Every reason given to a user is French; line numbers count the header as line 1.
"""

import codecs
import csv
import datetime
import hashlib
import io
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from mutualis.fibre.choices import AddressState

SAMPLE_BYTES = 64 * 1024
READ_CHUNK = 64 * 1024
MAX_FIELD = 10_000
CODE_MAX, BAN_MAX, HEXACLE_MAX, LABEL_MAX = 100, 50, 10, 255
MAX_PREMISES = 100_000  # premises at one address: above this a column is surely shifted
ENCODING_LABELS = {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}
TRUE_VALUES = {"o", "oui", "1", "t", "true", "vrai", "y", "yes"}
FALSE_VALUES = {"n", "non", "0", "f", "false", "faux", "no", ""}


class FileRefused(Exception):
    """The file as a whole cannot be read (encoding, columns, format): a French reason, nothing is imported."""


@dataclass(frozen=True)
class LineError:
    """Why one line is rejected: its number in the file, the column (its header in the file) and the value."""

    line: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "value": self.value[:200], "reason": self.reason}


Cleaned = tuple[dict[str, Any] | None, list[LineError]]


@dataclass(frozen=True)
class Column:
    """One column a layout reads: the value's key, the header spellings accepted (the first is shown in reports)."""

    key: str
    names: tuple[str, ...]
    required: bool = False

    @property
    def header(self) -> str:
        return self.names[0]


@dataclass
class Lookups:
    """Reference data a line is checked against, loaded once per import (sizes bounded by the territory and plan,
    not by the file): commune ids by INSEE code, PM zone ids by reference."""

    communes: dict[str, int]
    pm_zones: dict[str, int]


def fold(text: str) -> str:
    """Upper case, no accents, single spaces, « _ » and « - » as spaces: how state words are compared."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.upper().replace("_", " ").replace("-", " ").split())


def _header_key(text: str) -> str:
    return text.strip().strip('"').strip().lstrip("\ufeff").lower()


class CountingReader(io.RawIOBase):
    """A binary stream read in chunks: counts and hashes every byte once, and serves back the sniffed sample."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0
        self.digest = hashlib.sha256()
        self.largest_read = 0
        self._pending = b""

    def readable(self) -> bool:
        return True

    def _read(self, size: int) -> bytes:
        self.largest_read = max(self.largest_read, size)
        data = self.raw.read(size)
        data = data.encode() if isinstance(data, str) else data
        self.count += len(data)
        self.digest.update(data)
        return data

    def sample(self) -> bytes:
        """The first bytes of the file, read once and kept for the text reader."""
        if not self._pending and not self.count:
            self._pending = self._read(SAMPLE_BYTES)
        return self._pending

    def readinto(self, buffer: Any) -> int:
        if self._pending:
            data, self._pending = self._pending[: len(buffer)], self._pending[len(buffer) :]
        else:
            data = self._read(min(len(buffer), READ_CHUNK))
        buffer[: len(data)] = data
        return len(data)


def detect_encoding(sample: bytes) -> str:
    """The encoding of a CSV file from its first bytes; FileRefused for UTF-16, spreadsheets and binary files."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRefused(
            _(
                "Le fichier est encodé en UTF-16 : enregistrez-le en CSV UTF-8 (ou Windows-1252) puis déposez-le à nouveau."
            )
        )
    if sample.startswith(b"PK\x03\x04"):
        raise FileRefused(_("Ce fichier est un classeur ou une archive, pas un CSV : exportez-le au format CSV."))
    if b"\x00" in sample:
        raise FileRefused(_("Ce fichier n'est pas un fichier texte CSV (il contient des octets nuls)."))
    try:
        # The sample may end in the middle of a character: an incremental decoder keeps that tail unjudged.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t", "|")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ";"


@dataclass
class ReadFile:
    """An open operator file: its encoding, header positions and the counting reader under it."""

    encoding: str
    positions: dict[str, int]
    headers: dict[str, str]
    counter: CountingReader
    rows: Iterator[list[str]] = field(repr=False)
    reader: Any = field(repr=False)

    @property
    def line_number(self) -> int:
        return self.reader.line_num


def _row_iterator(reader: Any, encoding: str) -> Iterator[list[str]]:
    try:
        yield from reader
    except UnicodeDecodeError as exc:
        raise FileRefused(
            _(
                "Ligne %(line)s : octets invalides pour l'encodage %(encoding)s détecté au début du fichier ; "
                "le fichier mélange deux encodages."
            )
            % {"line": reader.line_num + 1, "encoding": ENCODING_LABELS.get(encoding, encoding)}
        ) from exc
    except csv.Error as exc:
        raise FileRefused(
            _("Ligne %(line)s illisible (guillemets non fermés ou champ trop long).") % {"line": reader.line_num}
        ) from exc


class AddressLayout:
    """An operator file layout: its columns, its state vocabulary, and how one line becomes address values.

    Subclasses set `key`, `columns` (the value keys below), `states` (file value folded by `fold` → AddressState)
    and `date_formats`, and `label_keys` (the address text, in order). Value keys: code, ban_id, hexacle, insee,
    dwellings, business_premises, state, signed_on, cabled_on, commissioned_on, pm_reference, connected_on,
    new_building, isolated, and the `label_keys` the address label is made of. A value whose column is absent from a file is left as it is
    on the addresses already known (a layout without business premises never resets them).
    """

    key = ""
    columns: tuple[Column, ...] = ()
    states: dict[str, str] = {}
    date_formats: tuple[str, ...] = ()
    label_keys: tuple[str, ...] = ()
    # A label column standing for another when that one is empty (GraceTHD: the lieu-dit for the street).
    label_fallbacks: dict[str, str] = {}
    # An extension of both layouts, absent from the standards: the date of the first subscription reported at the
    # address (the operator's activation file), which makes its premises « raccordés ».
    SUBSCRIPTION = Column("connected_on", ("date_abonnement",))

    # Address fields and the value keys that feed them (the label is built from several columns).
    FIELD_KEYS = {
        "code": ("code",),
        "ban_id": ("ban_id",),
        "hexacle": ("hexacle",),
        "commune_id": ("insee",),
        "dwellings": ("dwellings",),
        "business_premises": ("business_premises",),
        "state": ("state",),
        "signed_on": ("signed_on",),
        "cabled_on": ("cabled_on",),
        "commissioned_on": ("commissioned_on",),
        "pm_zone_id": ("pm_reference",),
        "connected_on": ("connected_on",),
        "new_building": ("new_building",),
        "isolated": ("isolated",),
    }

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return (*self.columns, self.SUBSCRIPTION)

    def state_names(self) -> str:
        """The state values of this layout, for error messages."""
        return ", ".join(dict.fromkeys(self.states))

    # Reading -----------------------------------------------------------------------------------------------------

    def open(self, raw: BinaryIO) -> ReadFile:
        """Detect the encoding and delimiter, read the header and check the required columns (FileRefused if not)."""
        counter = CountingReader(raw)
        sample = counter.sample()
        if not sample.strip():
            raise FileRefused(_("Le fichier est vide."))
        encoding = detect_encoding(sample)
        head = sample.decode(encoding, errors="replace").lstrip("\ufeff").splitlines()[0]
        text = io.TextIOWrapper(io.BufferedReader(counter, buffer_size=READ_CHUNK), encoding=encoding, newline="")
        csv.field_size_limit(MAX_FIELD)
        reader = csv.reader(text, delimiter=_delimiter(head))
        rows = _row_iterator(reader, encoding)
        header = next(rows, None)
        if not header:
            raise FileRefused(_("Le fichier est vide."))
        found = {_header_key(cell): index for index, cell in reversed(list(enumerate(header)))}
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}
        for column in self.all_columns:
            for name in column.names:
                if name.lower() in found:
                    positions[column.key] = found[name.lower()]
                    headers[column.key] = header[found[name.lower()]].strip()
                    break
        missing = [column.header for column in self.columns if column.required and column.key not in positions]
        if missing:
            raise FileRefused(self._missing_message(missing, set(found)))
        return ReadFile(encoding, positions, headers, counter, rows, reader)

    def _missing_message(self, missing: list[str], found: set[str]) -> str:
        message = _("Colonnes obligatoires absentes du fichier %(layout)s : %(columns)s.") % {
            "layout": self.title,
            "columns": ", ".join(missing),
        }
        from mutualis.fibre.integrations import LAYOUTS

        for other in LAYOUTS.values():
            required = {c.header.lower() for c in other.columns if c.required}
            if other.key != self.key and required <= found:
                message += " " + _("Ce fichier semble être au format %(other)s : choisissez ce format.") % {
                    "other": other.title
                }
        return message

    @property
    def title(self) -> str:
        from mutualis.fibre.choices import ImportLayout

        return str(ImportLayout(self.key).label).split(" (")[0]

    def fields_set(self, read: ReadFile) -> list[str]:
        """The address fields this file sets (its columns present); the others keep their values on update."""
        present = set(read.positions)
        names = [name for name, keys in self.FIELD_KEYS.items() if present.issuperset(keys)]
        if present.intersection(self.label_keys):
            names.append("label")
        return names

    # Checking one line ---------------------------------------------------------------------------------------------

    def cleaner(self, read: ReadFile, lookups: Lookups) -> Callable[[list[str], int], Cleaned]:
        """A function checking one line of this file: its address values, or None and the reasons it is rejected.

        Built once per file with the positions of its columns resolved, because it runs on every line: the happy
        path indexes the row and converts, and only a bad value pays for a French message.
        """
        positions, headers = read.positions, read.headers
        last = max(positions.values())
        i_code, i_insee, i_state = positions["code"], positions["insee"], positions["state"]
        texts = [
            (k, positions[k], limit) for k, limit in (("ban_id", BAN_MAX), ("hexacle", HEXACLE_MAX)) if k in positions
        ]
        counts = [(k, positions[k]) for k in ("dwellings", "business_premises") if k in positions]
        dates = [
            (k, positions[k]) for k in ("signed_on", "cabled_on", "commissioned_on", "connected_on") if k in positions
        ]
        flags = [(k, positions[k]) for k in ("new_building", "isolated") if k in positions]
        i_pm = positions.get("pm_reference")
        label = self._label_plan(positions)
        communes, pm_zones = lookups.communes, lookups.pm_zones
        states, parse = (
            _Memo(lambda raw: self.states.get(fold(raw))),
            _Memo(lambda text: parse_date(text, self.date_formats)),
        )
        checks_cabling = "cabled_on" in positions

        def fail(errors: list[LineError], row: list[str], line: int, key: str, reason: str) -> None:
            value = row[positions[key]].strip() if positions.get(key, len(row)) < len(row) else ""
            errors.append(LineError(line, headers.get(key, key), value, reason))

        def clean(row: list[str], line: int) -> Cleaned:
            errors: list[LineError] = []
            if len(row) <= last:
                reason = _("Ligne incomplète : %(found)s colonnes au lieu d'au moins %(expected)s.") % {
                    "found": len(row),
                    "expected": last + 1,
                }
                return None, [LineError(line, headers["code"], "", reason)]
            code = row[i_code].strip()
            if not code or len(code) > CODE_MAX:
                fail(errors, row, line, "code", self._code_reason(code))
            insee = row[i_insee].strip()
            commune_id = communes.get(insee)
            if commune_id is None:
                fail(errors, row, line, "insee", self._commune_reason(insee))
            state = states.get(row[i_state])
            if state is None:
                fail(
                    errors,
                    row,
                    line,
                    "state",
                    _("État inconnu : « %(value)s ». États admis : %(states)s.")
                    % {"value": row[i_state].strip(), "states": self.state_names()},
                )
            values: dict[str, Any] = {"code": code, "commune_id": commune_id, "state": state}
            for key, index, limit in texts:
                values[key] = text = row[index].strip()
                if len(text) > limit:
                    fail(errors, row, line, key, _("Valeur trop longue (%(max)s caractères au plus).") % {"max": limit})
            for key, index in counts:
                text = row[index].strip()
                if not text:
                    values[key] = 0
                elif text.isdigit() and text.isascii() and len(text) < 7 and int(text) <= MAX_PREMISES:
                    values[key] = int(text)
                else:
                    fail(errors, row, line, key, _("Nombre entier positif attendu."))
            for key, index in dates:
                text = row[index].strip()
                values[key] = day = parse.get(text) if text else None
                if text and day is None:
                    fail(errors, row, line, key, self._date_reason())
            for key, index in flags:
                folded = row[index].strip().lower()
                values[key] = folded in TRUE_VALUES
                if not values[key] and folded not in FALSE_VALUES:
                    fail(errors, row, line, key, _("Valeur oui/non attendue (O ou N)."))
            if i_pm is not None:
                reference = row[i_pm].strip()
                values["pm_zone_id"] = zone = pm_zones.get(reference) if reference else None
                if reference and zone is None:
                    fail(
                        errors,
                        row,
                        line,
                        "pm_reference",
                        _("Zone PM inconnue : « %(reference)s » (ajoutez-la au plan de déploiement).")
                        % {"reference": reference},
                    )
            if label is not None:
                values["label"] = label(row)
            if not errors:
                self.check_dates(
                    values, state, checks_cabling, lambda key, reason: fail(errors, row, line, key, reason)
                )
            return (None, errors) if errors else (values, errors)

        return clean

    def _label_plan(self, positions: dict[str, int]) -> Callable[[list[str]], str] | None:
        """How this file's label is built: its label columns in order, a column standing for an empty one
        (`label_fallbacks`), cut to LABEL_MAX."""
        fallbacks = self.label_fallbacks
        plan = [
            (positions.get(key), positions.get(fallbacks.get(key, "")))
            for key in self.label_keys
            if key not in fallbacks.values() and (key in positions or fallbacks.get(key) in positions)
        ]
        if not plan:
            return None

        def label(row: list[str]) -> str:
            parts = []
            for index, fallback in plan:
                part = row[index].strip() if index is not None else ""
                if not part and fallback is not None:
                    part = row[fallback].strip()
                if part:
                    parts.append(part)
            return " ".join(parts)[:LABEL_MAX]

        return label

    @staticmethod
    def _code_reason(code: str) -> str:
        if not code:
            return _("Identifiant obligatoire.")
        return _("Identifiant trop long (%(max)s caractères au plus).") % {"max": CODE_MAX}

    @staticmethod
    def _commune_reason(insee: str) -> str:
        return (
            _("Commune inconnue : code INSEE « %(code)s ».") % {"code": insee}
            if insee
            else _("Code INSEE obligatoire.")
        )

    def _date_reason(self) -> str:
        formats = _(" ou ").join(DATE_FORMAT_LABELS[f] for f in self.date_formats)
        return _("Date invalide (attendu %(formats)s).") % {"formats": formats}

    @staticmethod
    def check_dates(values: dict[str, Any], state: str | None, checks_cabling: bool, error: Any) -> None:
        """Dates in their order (signature ≤ cabling ≤ commercial opening, cabling ≤ subscription), a cabling date
        for a deployed address, a subscription only at a deployed one."""
        signed, cabled, opened = values.get("signed_on"), values.get("cabled_on"), values.get("commissioned_on")
        connected = values.get("connected_on")
        if signed and cabled and cabled < signed:
            error(
                "cabled_on",
                _("Dates dans le désordre : câblage le %(cabled)s, avant la signature du %(signed)s.")
                % {"cabled": f"{cabled:%d/%m/%Y}", "signed": f"{signed:%d/%m/%Y}"},
            )
        if cabled and opened and opened < cabled:
            error(
                "commissioned_on",
                _("Dates dans le désordre : mise en service commerciale le %(opened)s, avant le câblage du %(cabled)s.")
                % {"opened": f"{opened:%d/%m/%Y}", "cabled": f"{cabled:%d/%m/%Y}"},
            )
        if connected and cabled and connected < cabled:
            error(
                "connected_on",
                _("Dates dans le désordre : abonnement le %(connected)s, avant le câblage du %(cabled)s.")
                % {"connected": f"{connected:%d/%m/%Y}", "cabled": f"{cabled:%d/%m/%Y}"},
            )
        if state == AddressState.DEPLOYED and checks_cabling and cabled is None:
            error("cabled_on", _("Date de câblage obligatoire pour une adresse déployée."))
        if connected and state != AddressState.DEPLOYED:
            error("connected_on", _("Un abonnement n'est possible qu'à une adresse déployée."))


class _Memo:
    """A conversion remembered for the few distinct texts a file repeats on every line (its state words, its
    dates); bounded, so that a file of garbage cannot grow it."""

    LIMIT = 4096

    def __init__(self, convert: Callable[[str], Any]) -> None:
        self.convert = convert
        self.memo: dict[str, Any] = {}

    def get(self, raw: str) -> Any:
        try:
            return self.memo[raw]
        except KeyError:
            value = self.convert(raw)
            if len(self.memo) < self.LIMIT:
                self.memo[raw] = value
            return value


DATE_FORMAT_LABELS = {
    "%Y%m%d": "AAAAMMJJ",
    "%Y-%m-%d": "AAAA-MM-JJ",
    "%d/%m/%Y": "JJ/MM/AAAA",
    "%Y/%m/%d": "AAAA/MM/JJ",
}


def parse_date(text: str, formats: tuple[str, ...]) -> datetime.date | None:
    """A date in one of `formats` (see DATE_FORMAT_LABELS), or None. Hand-parsed: strptime costs more than the
    rest of a line's checks, and an import reads a million of them."""
    text = text[:10] if len(text) > 10 and text[10] in " T" else text  # « 2025-03-01 00:00:00 » timestamps
    for fmt in formats:
        try:
            if fmt == "%Y%m%d" and len(text) == 8 and text.isdigit():
                return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
            if fmt in {"%Y-%m-%d", "%Y/%m/%d"} and len(text) == 10 and text[4] == text[7] == fmt[2]:
                return datetime.date(int(text[:4]), int(text[5:7]), int(text[8:]))
            if fmt == "%d/%m/%Y" and len(text) == 10 and text[2] == text[5] == "/":
                return datetime.date(int(text[6:]), int(text[3:5]), int(text[:2]))
        except ValueError:
            return None
    return None
