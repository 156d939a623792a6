"""The open-data catalogue, fed by the apps: each app declares its datasets and how to produce them.

opendata imports no other app. An app registers, in its AppConfig.ready(), one `Dataset` per published dataset,
each with its `Resource`s (the downloadable files: CSV, JSON, GeoJSON) and the callables that produce their
content as generators, so that a file of a million rows streams in constant memory:

    from mutualis.opendata.registry import Dataset, Resource, register_dataset

    register_dataset(
        Dataset(
            slug="fibre-communes",
            title=_("Couverture en fibre optique par commune"),
            description=_("…"),
            themes=("TECH", "REGI"),
            keywords=("fibre", "FTTH", "très haut débit"),
            frequency="DAILY",
            spatial=fibre_spatial,            # () -> Spatial (communes and départements covered)
            temporal=fibre_temporal,          # () -> (start, end) dates, either may be None
            last_modified=fibre_last_modified,  # () -> datetime | None
            resources=[
                Resource(format="csv", filename="fibre-communes.csv", header=COLUMNS, rows=fibre_rows,
                         table_schema=SCHEMA_PATH, delimiter=";", bom=True, decimal_comma=True),
                Resource(format="geojson", filename="fibre-communes.geojson", header=COLUMNS,
                         features=fibre_features),
            ],
        )
    )

- `rows()` yields tuples in the order of `header` (CSV, and JSON as one object per row);
- `features()` yields (id, geometry, values) triples, `values` in the order of `header` (GeoJSON properties);
- `items()` yields ready JSON objects (a JSON resource of its own shape, such as DECP), written inside
  `envelope` (e.g. ("marches", "marche") writes {"marches": {"marche": [...]}}), validated by `json_schema`.

The home of the portal also shows « widgets » registered by the apps (`register_portal_widget`): the fibre
coverage map, the live charging map; a widget is a function (request) -> HTML, "" when it has nothing to show.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

# Licence Ouverte / Open Licence 2.0 (Etalab): the default of French public open data; udata recognises this URL.
LICENCE_OUVERTE_2 = ("https://www.etalab.gouv.fr/licence-ouverte-open-licence/", "Licence Ouverte / Open Licence 2.0")
ODBL = ("https://opendatacommons.org/licenses/odbl/1-0/", "Open Database License (ODbL) 1.0")

# Formats: media type (IANA), the EU file-type authority's code (dct:format), label.
FORMATS: dict[str, tuple[str, str, str]] = {
    "csv": ("text/csv", "CSV", "CSV"),
    "json": ("application/json", "JSON", "JSON"),
    "geojson": ("application/geo+json", "GEOJSON", "GeoJSON"),
}
# Update frequencies: the EU frequency authority's code → French label.
FREQUENCIES: dict[str, Any] = {
    "CONT": _("En continu"),
    "HOURLY": _("Toutes les heures"),
    "DAILY": _("Quotidienne"),
    "WEEKLY": _("Hebdomadaire"),
    "MONTHLY": _("Mensuelle"),
    "QUARTERLY": _("Trimestrielle"),
    "ANNUAL": _("Annuelle"),
    "IRREG": _("Irrégulière"),
}
# Themes: the EU data-theme authority's code → French label (the portal's « thème » filter).
THEMES: dict[str, Any] = {
    "TECH": _("Sciences et technologies"),
    "REGI": _("Régions et villes"),
    "GOVE": _("Gouvernement et secteur public"),
    "ECON": _("Économie et finances"),
    "TRAN": _("Transports"),
    "ENER": _("Énergie"),
    "ENVI": _("Environnement"),
    "EDUC": _("Éducation, culture et sport"),
    "SOCI": _("Population et société"),
}


@dataclass(frozen=True)
class Place:
    """A commune or département a dataset covers: its INSEE code, name and kind ("commune" or "departement")."""

    code: str
    name: str
    kind: str = "commune"


@dataclass(frozen=True)
class Resource:
    """One downloadable file of a dataset, produced by streaming from its callable."""

    format: str
    filename: str
    title: Any = ""
    header: Sequence[str] = ()
    rows: Callable[[], Iterable[Sequence[Any]]] | None = None
    features: Callable[[], Iterable[tuple[Any, Any, Sequence[Any]]]] | None = None
    items: Callable[[], Iterable[dict[str, Any]]] | None = None
    envelope: Sequence[str] = ()
    # A Frictionless Table Schema (CSV) or a JSON Schema (JSON) the file is validated against, as a path.
    table_schema: Path | None = None
    json_schema: Path | None = None
    # CSV dialect: a French spreadsheet opens `;`, a BOM and decimal commas as is; national schemas want `,`.
    delimiter: str = ","
    bom: bool = False
    decimal_comma: bool = False

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"unknown open-data format {self.format!r}")
        producers = {"csv": self.rows, "geojson": self.features, "json": self.items or self.rows}
        if producers[self.format] is None:
            raise ValueError(f"resource {self.filename}: a {self.format} resource needs its producing callable")

    @property
    def media_type(self) -> str:
        """The IANA media type of the file."""
        return FORMATS[self.format][0]

    @property
    def format_label(self) -> str:
        """CSV, JSON or GeoJSON."""
        return FORMATS[self.format][2]

    @property
    def schema_path(self) -> Path | None:
        """The schema the file is validated against, if any."""
        return self.table_schema or self.json_schema


@dataclass(frozen=True)
class Dataset:
    """A dataset of the catalogue: its metadata (DCAT-AP) and its resources."""

    slug: str
    title: Any
    description: Any
    resources: Sequence[Resource]
    themes: Sequence[str] = ()
    keywords: Sequence[str] = ()
    frequency: str = "IRREG"
    # The national schema the data follows (schema.data.gouv.fr), as a URL and a name; "" when there is none.
    conforms_to: str = ""
    conforms_to_label: str = ""
    licence: tuple[str, str] = LICENCE_OUVERTE_2
    spatial: Callable[[], Sequence[Place]] = field(default=lambda: ())
    temporal: Callable[[], tuple[datetime.date | None, datetime.date | None]] = field(default=lambda: (None, None))
    last_modified: Callable[[], datetime.datetime | None] = field(default=lambda: None)
    # Minutes between two scheduled generations (from the frequency when 0).
    refresh_minutes: int = 0

    def __post_init__(self) -> None:
        unknown = [theme for theme in self.themes if theme not in THEMES]
        if unknown or self.frequency not in FREQUENCIES:
            raise ValueError(f"dataset {self.slug}: unknown theme {unknown} or frequency {self.frequency!r}")

    @property
    def formats(self) -> list[str]:
        """The formats of its resources, in order."""
        return [resource.format for resource in self.resources]

    @property
    def frequency_label(self) -> Any:
        """The update frequency, in French."""
        return FREQUENCIES[self.frequency]

    @property
    def theme_labels(self) -> list[Any]:
        """Its themes, in French."""
        return [THEMES[theme] for theme in self.themes]

    @property
    def refresh_interval(self) -> datetime.timedelta:
        """How long a generation stays current before the schedule makes a new one."""
        if self.refresh_minutes:
            return datetime.timedelta(minutes=self.refresh_minutes)
        days = {"CONT": 0, "HOURLY": 0, "DAILY": 1, "WEEKLY": 7, "MONTHLY": 30, "QUARTERLY": 91, "ANNUAL": 365}
        return datetime.timedelta(days=days.get(self.frequency, 1)) or datetime.timedelta(hours=1)


def places(rows: Iterable[tuple[str, str, str, str]]) -> list[Place]:
    """The communes of (commune code, name, département code, name) rows, then their départements, each once: the
    usual spatial coverage of a dataset."""
    communes: dict[str, Place] = {}
    departements: dict[str, Place] = {}
    for code, name, departement_code, departement_name in rows:
        communes.setdefault(code, Place(code, name))
        departements.setdefault(departement_code, Place(departement_code, departement_name, "departement"))
    return [*communes.values(), *departements.values()]


def latest_change(*sources: Any, field: str = "updated_at") -> datetime.datetime | None:
    """The latest `field` over these models or querysets (None when all are empty): the usual last_modified. Rows
    dated in the future (a demo's planned history) are left out: they would make the data look changed forever."""
    from django.db.models import Max
    from django.utils import timezone

    now = timezone.now()
    dates = [
        getattr(source, "objects", source).filter(**{f"{field}__lte": now}).aggregate(at=Max(field))["at"]
        for source in sources
    ]
    return max((date for date in dates if date is not None), default=None)


@dataclass(frozen=True)
class Publisher:
    """Who publishes the catalogue: the operator, named by its SIREN."""

    name: str
    siren: str


def publisher() -> Publisher:
    """The operator (OPERATOR_NAME, and the SIREN of OPERATOR_SIRET: its first nine digits)."""
    return Publisher(name=settings.OPERATOR_NAME, siren=settings.OPERATOR_SIRET[:9])


# Module-level registries, so that a test may swap one for a copy.
_datasets: dict[str, Dataset] = {}
_files: dict[str, tuple[str, int]] = {}
_widgets: list[tuple[int, Callable[[Any], str]]] = []


def register_dataset(dataset: Dataset) -> None:
    """Add a dataset to the catalogue (registering the same slug again replaces it; a file name belongs to one)."""
    names = [resource.filename for resource in dataset.resources]
    if len(set(names)) != len(names):
        raise ValueError(f"dataset {dataset.slug}: two resources share a file name")
    for name in names:
        owner = _files.get(name)
        if owner is not None and owner[0] != dataset.slug:
            raise ValueError(f"{name} is already a file of the dataset {owner[0]}")
    unregister_dataset(dataset.slug)
    _files.update({name: (dataset.slug, index) for index, name in enumerate(names)})
    _datasets[dataset.slug] = dataset


def unregister_dataset(slug: str) -> None:
    """Take a dataset out of the catalogue (tests)."""
    dataset = _datasets.pop(slug, None)
    for resource in dataset.resources if dataset else ():
        _files.pop(resource.filename, None)


def datasets() -> list[Dataset]:
    """Every registered dataset, by title."""
    return sorted(_datasets.values(), key=lambda dataset: str(dataset.title))


def dataset_get(slug: str) -> Dataset | None:
    """The dataset of this slug, or None."""
    return _datasets.get(slug)


def resource_for(filename: str) -> tuple[Dataset, Resource] | None:
    """The dataset and resource published under this file name, or None."""
    found = _files.get(filename)
    if found is None:
        return None
    dataset = _datasets[found[0]]
    return dataset, dataset.resources[found[1]]


def register_portal_widget(widget: Callable[[Any], str], *, order: int = 100) -> None:
    """Add a block to the portal's home (idempotent): widget(request) returns HTML, "" when it has nothing."""
    if all(existing is not widget for _, existing in _widgets):
        _widgets.append((order, widget))
        _widgets.sort(key=lambda item: item[0])


def render_portal_widgets(request: Any) -> list[SafeString]:
    """The HTML of every widget that has something to show."""
    rendered = (widget(request) for _, widget in _widgets)
    return [mark_safe(html) for html in rendered if html]  # noqa: S308 (widgets return rendered templates)
