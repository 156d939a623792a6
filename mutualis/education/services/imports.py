"""Import of établissements from the Annuaire de l'éducation's CSV export, all or nothing, with a line-by-line report.

The columns are the national directory's (data.education.gouv.fr, « fr-en-annuaire-education »), matched without
regard to case: Identifiant_de_l_etablissement (the UAI), Nom_etablissement, Type_etablissement (« Ecole »,
« Collège »; other types are refused), Statut_public_prive (« Public », « Privé »), Code_commune (INSEE), and the
optional Nombre_d_eleves; Nombre_de_classes is not in the directory and is read when a file adds it. Semicolon or
comma separated, UTF-8 (with or without BOM) or Windows-1252.
"""

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record
from mutualis.education import rules
from mutualis.education.choices import EstablishmentKind, Sector
from mutualis.education.models import Establishment
from mutualis.education.services.establishments import _validate
from mutualis.members.choices import OPEN_STATUSES
from mutualis.members.models import Member
from mutualis.territory.models import Commune

COLUMNS = {
    "uai": "Identifiant_de_l_etablissement",
    "name": "Nom_etablissement",
    "kind": "Type_etablissement",
    "sector": "Statut_public_prive",
    "commune": "Code_commune",
    "pupils": "Nombre_d_eleves",
    "classes": "Nombre_de_classes",
}
REQUIRED = ("uai", "name", "kind", "sector", "commune")
MAX_LINES = 20_000


@dataclass
class ImportLine:
    """One line of the file and what became of it: created, updated or refused (with the reasons)."""

    number: int
    uai: str
    name: str
    outcome: str = ""
    messages: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """The file's lines; `committed` is False when any line was refused (then nothing was written)."""

    lines: list[ImportLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    committed: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    @property
    def refused(self) -> list[ImportLine]:
        return [line for line in self.lines if line.outcome == "error"]


def _plain(value: str) -> str:
    text = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    return text.strip().lower()


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252")


def _kind(value: str) -> str | None:
    plain = _plain(value)
    if plain.startswith("ecole"):
        return EstablishmentKind.SCHOOL
    if plain.startswith("college"):
        return EstablishmentKind.COLLEGE
    return None


def _sector(value: str) -> str | None:
    return {"public": Sector.PUBLIC, "prive": Sector.PRIVATE}.get(_plain(value))


def _count(value: str, label: str, line: ImportLine) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        line.messages.append(
            _("%(label)s : « %(value)s » n'est pas un nombre entier.") % {"label": label, "value": text}
        )
        return None
    return int(text)


def _owner(kind: str, commune: Commune) -> Member | None:
    """The member owning the établissement: the département of the commune, or the commune (L212-4 / L213-2)."""
    members = Member.objects.filter(status__in=OPEN_STATUSES, kind=rules.owner_kind_for(kind))
    if kind == EstablishmentKind.COLLEGE:
        return members.filter(departement_id=commune.departement_id).order_by("pk").first()
    return members.filter(communes=commune).order_by("pk").first()


def _read(text: str, report: ImportReport) -> list[dict[str, str]] | None:
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    headers = {(name or "").strip().lower(): name for name in (reader.fieldnames or [])}
    missing = [COLUMNS[key] for key in REQUIRED if COLUMNS[key].lower() not in headers]
    if missing:
        report.problems.append(
            _("Colonnes manquantes : %(columns)s (en-têtes de l'annuaire de l'éducation attendus).")
            % {"columns": ", ".join(missing)}
        )
        return None
    rows = []
    for row in reader:
        rows.append(
            {key: (row.get(headers.get(column.lower(), ""), "") or "").strip() for key, column in COLUMNS.items()}
        )
        if len(rows) > MAX_LINES:
            report.problems.append(_("Fichier trop long : %(max)d lignes au plus.") % {"max": MAX_LINES})
            return None
    if not rows:
        report.problems.append(_("Le fichier ne contient aucune ligne."))
        return None
    return rows


def _prepare(row: dict[str, str], line: ImportLine, communes: dict[str, Commune | None]) -> Establishment | None:
    """The établissement this line creates or updates, checked but not saved (None when the line is refused)."""
    kind = _kind(row["kind"])
    if kind is None:
        line.messages.append(
            _("Type « %(value)s » non pris en charge : écoles et collèges seulement.") % {"value": row["kind"]}
        )
    sector = _sector(row["sector"])
    if sector is None:
        line.messages.append(_("Statut « %(value)s » inconnu : « Public » ou « Privé ».") % {"value": row["sector"]})
    code = row["commune"].zfill(5) if row["commune"].isdigit() else row["commune"]
    if code not in communes:
        communes[code] = Commune.objects.select_related("departement").filter(insee_code=code).first()
    commune = communes[code]
    if commune is None:
        line.messages.append(_("Commune « %(code)s » inconnue (code INSEE).") % {"code": row["commune"]})
    pupils = _count(row["pupils"], _("Nombre d'élèves"), line)
    classes = _count(row["classes"], _("Nombre de classes"), line)
    owner = _owner(kind, commune) if kind and commune else None
    if kind and commune and owner is None:
        line.messages.append(
            _("Aucun adhérent propriétaire : le département de la commune n'est pas adhérent.")
            if kind == EstablishmentKind.COLLEGE
            else _("Aucun adhérent propriétaire : la commune %(name)s n'est pas adhérente.") % {"name": commune.name}
        )
    if line.messages or kind is None or sector is None or commune is None or owner is None:
        return None
    establishment = Establishment.objects.filter(uai=line.uai).first() or Establishment(uai=line.uai)
    line.outcome = "updated" if establishment.pk else "created"
    establishment.name, establishment.kind, establishment.sector = row["name"], kind, sector
    establishment.commune, establishment.member = commune, owner
    if establishment.site is not None and establishment.site.member_id != owner.pk:
        establishment.site = None
    if pupils is not None:
        establishment.pupils = pupils
    if classes is not None:
        establishment.classes = classes
    try:
        _validate(establishment)
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            label = (
                _("UAI")
                if field_name == "uai"
                else getattr(Establishment._meta.get_field(field_name), "verbose_name", field_name)
            )
            line.messages.extend(f"{label} : {message}" for message in messages)
        return None
    return establishment


def establishment_import(*, content: bytes | str, acting_user: User | None, filename: str = "") -> ImportReport:
    """Read the file, check every line; write every line in one transaction, or none when any is refused."""
    report = ImportReport()
    rows = _read(_decode(content), report)
    if rows is None:
        return report
    communes: dict[str, Commune | None] = {}
    seen: dict[str, int] = {}
    prepared: list[Establishment] = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        line = ImportLine(number=number, uai=row["uai"].upper(), name=row["name"])
        report.lines.append(line)
        if line.uai in seen:
            line.messages.append(_("UAI déjà présent ligne %(line)d.") % {"line": seen[line.uai]})
        else:
            seen[line.uai] = number
            establishment = _prepare(row, line, communes)
            if establishment is not None:
                prepared.append(establishment)
        if line.messages:
            line.outcome = "error"
    if report.refused:
        return report
    with transaction.atomic():
        for establishment in prepared:
            establishment.save()
        audit_record(
            actor=acting_user,
            action="education.establishment_import",
            object_type="education.establishment",
            object_repr=filename or _("Annuaire de l'éducation"),
            after={"created": report.count("created"), "updated": report.count("updated"), "file": filename},
        )
    report.committed = True
    return report


def report_rows(report: ImportReport) -> list[dict[str, Any]]:
    """The report as rows for a page or a CSV: line, UAI, name, outcome label, messages."""
    labels = {"created": _("créé"), "updated": _("mis à jour"), "error": _("refusé")}
    return [
        {
            "number": line.number,
            "uai": line.uai,
            "name": line.name,
            "outcome": labels.get(line.outcome, ""),
            "error": line.outcome == "error",
            "messages": line.messages,
        }
        for line in report.lines
    ]
