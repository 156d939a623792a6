"""Import of a lot's unit-price schedule (BPU) from XLSX or CSV: every line checked, all imported or none.

Columns (header row, any order, case and accents ignored): référence, désignation, description, catégorie,
unité, prix unitaire HT, taux de TVA, prix public HT. CSV may use `;` or `,`, UTF-8 with or without BOM, and a
decimal comma. `bpu_preview` parses and reports without writing; `bpu_import` writes in one transaction (items
created or updated by reference, each with its price from the agreement's start or a given date) or nothing.
"""

import csv
import datetime
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record
from mutualis.purchasing.choices import AgreementStatus, ItemCategory
from mutualis.purchasing.models import CatalogueItem, ItemPrice, Lot
from mutualis.purchasing.services.agreements import require_purchasing_manager

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LINES = 5000
PRICE_STEP = Decimal("0.0001")


def _norm(text: Any) -> str:
    """Lower case, no accents, single spaces: how headers and categories are compared."""
    decomposed = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(decomposed.lower().replace("_", " ").split())


# Column key → (French header shown in reports, accepted header spellings).
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "reference": ("référence", ("reference", "ref", "reference article")),
    "label": ("désignation", ("designation", "libelle", "intitule")),
    "description": ("description", ("description",)),
    "category": ("catégorie", ("categorie", "famille")),
    "unit": ("unité", ("unite", "unite de mesure")),
    "unit_price_ht": ("prix unitaire HT", ("prix unitaire ht", "prix unitaire", "pu ht", "prix ht")),
    "vat_rate": ("taux de TVA", ("taux de tva", "tva", "taux tva", "tva (%)", "taux de tva (%)")),
    "list_price_ht": ("prix public HT", ("prix public ht", "prix public", "prix catalogue ht")),
}
REQUIRED = ("reference", "label", "category", "unit_price_ht")
HEADER_LOOKUP = {spelling: key for key, (_label, spellings) in COLUMNS.items() for spelling in spellings}
CATEGORY_LOOKUP = {_norm(value): value for value in ItemCategory.values} | {
    _norm(label): value for value, label in ItemCategory.choices
}


@dataclass
class BpuError:
    """One problem: the line of the file (1 = header), the column (French header, or empty) and the reason."""

    line: int
    column: str
    reason: str


@dataclass
class BpuLine:
    """One valid line of the schedule, ready to import; `action` is "create" or "update" (reference known)."""

    line: int
    reference: str
    label: str
    description: str
    category: str
    unit: str
    unit_price_ht: Decimal
    vat_rate: Decimal
    list_price_ht: Decimal | None
    action: str = "create"

    def category_label(self) -> str:
        return str(ItemCategory(self.category).label)


@dataclass
class BpuReport:
    """What a file holds: its valid lines, its errors, and (after an import) what was written."""

    lines: list[BpuLine] = field(default_factory=list)
    errors: list[BpuError] = field(default_factory=list)
    total_lines: int = 0
    created: int = 0
    updated: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.lines)

    @property
    def error_lines(self) -> set[int]:
        return {error.line for error in self.errors}

    def to_create(self) -> int:
        return sum(1 for line in self.lines if line.action == "create")

    def to_update(self) -> int:
        return sum(1 for line in self.lines if line.action == "update")


def _read_bytes(file: Any) -> tuple[bytes, str]:
    if isinstance(file, bytes | bytearray):
        return bytes(file), ""
    name = getattr(file, "name", "") or ""
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_FILE_BYTES + 1)
    return (data.encode() if isinstance(data, str) else data), name


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> list[list[Any]]:
    text = data.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def read_rows(file: Any) -> list[list[Any]]:
    """The rows of an XLSX (first sheet) or CSV file; a ValidationError in French when it cannot be read."""
    data, name = _read_bytes(file)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(_("Le fichier dépasse 5 Mo."))
    if not data.strip():
        raise ValidationError(_("Le fichier est vide."))
    try:
        if data[:2] == b"PK" or name.lower().endswith(".xlsx"):
            return _xlsx_rows(data)
        return _csv_rows(data)
    except UnicodeDecodeError as exc:
        raise ValidationError(_("Le fichier CSV doit être encodé en UTF-8.")) from exc
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationError(_("Ce fichier n'est pas un classeur XLSX ni un CSV lisible.")) from exc


def _decimal(value: Any) -> Decimal | None:
    """A number from a cell: 1234.5 (XLSX), « 1 234,50 € » or « 1234.50 » (CSV); None if empty; raises if bad."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value).replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "").replace("%", "")
    if "," in text and "." in text:
        text = text.replace(".", "")
    return Decimal(text.replace(",", "."))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_map(header: list[Any], report: BpuReport) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = HEADER_LOOKUP.get(_norm(cell))
        if key and key not in positions:
            positions[key] = index
    for key in REQUIRED:
        if key not in positions:
            report.errors.append(BpuError(1, COLUMNS[key][0], _("Colonne obligatoire absente.")))
    return positions


def _parse_line(number: int, row: list[Any], positions: dict[str, int], report: BpuReport) -> BpuLine | None:
    def cell(key: str) -> Any:
        index = positions.get(key)
        return row[index] if index is not None and index < len(row) else None

    def error(key: str, reason: str) -> None:
        report.errors.append(BpuError(number, COLUMNS[key][0], reason))

    count = len(report.errors)
    reference, label = _text(cell("reference")), _text(cell("label"))
    if not reference:
        error("reference", _("La référence est obligatoire."))
    elif len(reference) > 50:
        error("reference", _("La référence dépasse 50 caractères."))
    if not label:
        error("label", _("La désignation est obligatoire."))
    elif len(label) > 255:
        error("label", _("La désignation dépasse 255 caractères."))
    category = CATEGORY_LOOKUP.get(_norm(cell("category")))
    if category is None:
        error(
            "category",
            _("Catégorie inconnue : « %(value)s ». Catégories admises : %(choices)s.")
            % {"value": _text(cell("category")), "choices": ", ".join(str(lbl) for _v, lbl in ItemCategory.choices)},
        )
    unit = _text(cell("unit")) or "unité"
    if len(unit) > 30:
        error("unit", _("L'unité dépasse 30 caractères."))

    def amount(key: str, required: bool) -> Decimal | None:
        try:
            value = _decimal(cell(key))
        except (InvalidOperation, ValueError):
            error(key, _("Nombre invalide : « %(value)s ».") % {"value": _text(cell(key))})
            return None
        if value is None:
            if required:
                error(key, _("Valeur obligatoire."))
            return None
        if not value.is_finite() or value < 0:
            error(key, _("La valeur doit être un nombre positif ou nul."))
            return None
        if value >= Decimal("10000000000"):
            error(key, _("Montant trop élevé."))
            return None
        return value

    price = amount("unit_price_ht", required=True)
    vat = amount("vat_rate", required=False)
    if vat is None and not any(e.column == COLUMNS["vat_rate"][0] for e in report.errors[count:]):
        vat = Decimal("20")
    elif vat is not None and Decimal("0") < vat < Decimal("1"):
        vat *= 100  # a spreadsheet cell formatted as a percentage stores 0.2 for 20 %
    if vat is not None and vat > 100:
        error("vat_rate", _("Le taux de TVA est un pourcentage entre 0 et 100."))
    list_price = amount("list_price_ht", required=False)
    if len(report.errors) > count or category is None or price is None or vat is None:
        return None
    return BpuLine(
        line=number,
        reference=reference,
        label=label,
        description=_text(cell("description")),
        category=category,
        unit=unit,
        unit_price_ht=price.quantize(PRICE_STEP),
        vat_rate=vat.quantize(Decimal("0.01")),
        list_price_ht=list_price.quantize(PRICE_STEP) if list_price is not None else None,
    )


def _parse(lot: Lot, file: Any) -> BpuReport:
    report = BpuReport()
    try:
        rows = read_rows(file)
    except ValidationError as exc:
        report.errors.append(BpuError(0, "", " ".join(exc.messages)))
        return report
    if not rows:
        report.errors.append(BpuError(0, "", _("Le fichier est vide.")))
        return report
    positions = _header_map(rows[0], report)
    if report.errors:
        return report
    data_rows = [(index, row) for index, row in enumerate(rows[1:], start=2) if any(_text(c) for c in row)]
    report.total_lines = len(data_rows)
    if report.total_lines > MAX_LINES:
        report.errors.append(BpuError(0, "", _("Plus de %(max)s lignes : découpez le fichier.") % {"max": MAX_LINES}))
        return report
    if not data_rows:
        report.errors.append(BpuError(0, "", _("Aucune ligne d'article sous l'en-tête.")))
        return report
    seen: dict[str, int] = {}
    existing = set(CatalogueItem.objects.filter(lot=lot).values_list("reference", flat=True))
    for number, row in data_rows:
        line = _parse_line(number, row, positions, report)
        reference = _text(row[positions["reference"]]) if positions["reference"] < len(row) else ""
        if reference and reference in seen:
            report.errors.append(
                BpuError(
                    number,
                    COLUMNS["reference"][0],
                    _("Référence en double (déjà ligne %(line)s).") % {"line": seen[reference]},
                )
            )
            continue
        if reference:
            seen[reference] = number
        if line is not None:
            line.action = "update" if line.reference in existing else "create"
            report.lines.append(line)
    return report


def bpu_preview(*, lot: Lot, file: Any, price_from: datetime.date | None = None) -> BpuReport:
    """Parse and check a BPU file for a lot without writing anything: valid lines, errors, counts — the report
    `bpu_import` acts on (with the same `price_from`)."""
    report = _parse(lot, file)
    if lot.agreement.status == AgreementStatus.ENDED:
        report.errors.append(BpuError(0, "", _("Un accord-cadre terminé ne se modifie plus.")))
    if price_from is not None and price_from < lot.agreement.start_date:
        report.errors.append(BpuError(0, "", _("La date d'effet précède le début d'exécution de l'accord-cadre.")))
    return report


def bpu_import(
    *,
    lot: Lot,
    file: Any,
    acting_user: User,
    price_from: datetime.date | None = None,
) -> BpuReport:
    """Import a BPU file into a lot: every line or none (a ValidationError carries the report when a line is bad).

    Items are created or updated by reference; each line's price is recorded from `price_from` (the agreement's
    start by default), replacing a price already recorded at that date."""
    require_purchasing_manager(acting_user)
    report = bpu_preview(lot=lot, file=file, price_from=price_from)
    if not report.is_valid:
        exc = ValidationError(_("Le fichier contient des erreurs : rien n'a été importé."))
        exc.report = report  # type: ignore[attr-defined]
        raise exc
    effective = price_from or lot.agreement.start_date
    with transaction.atomic():
        items = {item.reference: item for item in CatalogueItem.objects.select_for_update().filter(lot=lot)}
        for line in report.lines:
            item = items.get(line.reference) or CatalogueItem(lot=lot, reference=line.reference)
            created = item.pk is None
            for name in ("label", "description", "category", "unit", "vat_rate", "list_price_ht"):
                setattr(item, name, getattr(line, name))
            item.full_clean()
            item.save()
            price = ItemPrice.objects.filter(item=item, effective_from=effective).first() or ItemPrice(
                item=item, effective_from=effective
            )
            price.unit_price_ht, price.created_by = line.unit_price_ht, acting_user
            price.full_clean()
            price.save()
            report.created += created
            report.updated += not created
        audit_record(
            actor=acting_user,
            action="lot.bpu_import",
            obj=lot,
            after={"created": report.created, "updated": report.updated, "effective_from": str(effective)},
        )
    return report
