"""Writes of reference geography: loading the shipped territory data."""

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from mutualis.territory.models import Commune, Departement, Intercommunality
from mutualis.territory.search import normalize_name

COMMUNES_FILE = "communes-78-92.json"
INTERCOMMUNALITIES_FILE = "intercommunalites-78-92.json"
DEPARTEMENTS_FILE = "departements-78-92.json"


def default_data_dir() -> Path:
    """Where the project ships its territory data (data/territory/, see its README for sources and licences)."""
    return Path(settings.BASE_DIR) / "data" / "territory"


@lru_cache(maxsize=16)
def _read_json(path: Path, mtime_ns: int) -> Any:
    # Test fixtures load the territory for every test: parse each file once per process (the mtime in the key
    # picks up an edited file).
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _load(path: Path) -> Any:
    return _read_json(path, path.stat().st_mtime_ns)


def _contours(data_dir: Path, pattern: str) -> dict[str, dict]:
    """Geometries of the GeoJSON files matching pattern, by their `code` property."""
    contours: dict[str, dict] = {}
    for path in sorted(data_dir.glob(pattern)):
        document = _load(path)
        features = document["features"] if document.get("type") == "FeatureCollection" else [document]
        for feature in features:
            contours[feature["properties"]["code"]] = feature["geometry"]
    return contours


def _sync(
    model: Any, key: str, rows: Iterable[dict[str, Any]], fields: list[str]
) -> tuple[dict[str, int], dict[str, Any]]:
    """Create missing rows and update changed ones in bulk, by natural key; primary keys are kept.

    Returns the counts and every object by its natural key (for the foreign keys of the next model).
    """
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    to_create, to_update, changed_fields = [], [], set()
    now = timezone.now()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**row)
            obj.full_clean(validate_unique=False, validate_constraints=False, exclude=_not_validated(model))
            to_create.append(obj)
            existing[row[key]] = obj
            continue
        changes = [field for field in fields if _value(obj, field) != _value_of(row[field])]
        if changes:
            for field in changes:
                setattr(obj, field, row[field])
            obj.full_clean(validate_unique=False, validate_constraints=False, exclude=_not_validated(model))
            obj.updated_at = now  # bulk_update does not apply auto_now
            to_update.append(obj)
            changed_fields.update(changes)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, [*sorted(changed_fields), "updated_at"], batch_size=500)
    counts = {"created": len(to_create), "updated": len(to_update), "total": len(existing)}
    return counts, existing


def _not_validated(model: type[models.Model]) -> list[str]:
    # The loader resolves foreign keys itself (model validation would query each one again), and contours were
    # just parsed from JSON (validating them would serialise every geometry twice): skip both.
    return [field.name for field in model._meta.concrete_fields if field.is_relation or field.name == "contour"]


def _value(obj: models.Model, field: str) -> Any:
    """A field's comparable value: the related object's primary key for a foreign key."""
    model_field = obj._meta.get_field(field)
    return getattr(obj, model_field.attname) if isinstance(model_field, models.ForeignKey) else getattr(obj, field)


def _value_of(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


@transaction.atomic
def territory_load(*, data_dir: Path | str | None = None) -> dict[str, dict[str, int]]:
    """Load (or refresh) the départements, EPCI/EPT and communes from the shipped data; idempotent.

    Natural keys (département code, SIREN, INSEE code) find existing rows: their primary keys stay, changed facts
    are updated, nothing is deleted (members point at communes; a commune merge is handled by hand).
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()

    departement_contours = _contours(data_dir, "departement-*.geojson")
    departement_counts, departements = _sync(
        Departement,
        "code",
        (
            {
                "code": row["code"],
                "name": row["nom"],
                "siren": row["siren"],
                "chef_lieu_code": row.get("chef_lieu") or "",
                "contour": departement_contours.get(row["code"]),
            }
            for row in _load(data_dir / DEPARTEMENTS_FILE)
        ),
        ["name", "siren", "chef_lieu_code", "contour"],
    )

    intercommunality_counts, intercommunalities = _sync(
        Intercommunality,
        "siren",
        (
            {
                "siren": row["siren"],
                "name": row["nom"],
                "kind": row["type"],
                "population": row.get("populationTotale") or 0,
                "outside_member_codes": sorted(row.get("membres_hors_78_92") or []),
            }
            for row in _load(data_dir / INTERCOMMUNALITIES_FILE)
        ),
        ["name", "kind", "population", "outside_member_codes"],
    )

    commune_contours = _contours(data_dir, "communes-*.geojson")
    commune_counts, _ = _sync(
        Commune,
        "insee_code",
        (
            {
                "insee_code": row["code_insee"],
                "name": row["nom"],
                "search_name": normalize_name(row["nom"]),
                "departement": departements[row["departement"]],
                "siren": row["siren"],
                "postal_codes": list(row.get("codes_postaux") or []),
                "population": row.get("population") or 0,
                "epci": intercommunalities[row["epci_siren"]] if row.get("epci_siren") else None,
                "ept": intercommunalities[row["ept_siren"]] if row.get("ept_siren") else None,
                "latitude": row.get("latitude"),
                "longitude": row.get("longitude"),
                "contour": commune_contours.get(row["code_insee"]),
            }
            for row in _load(data_dir / COMMUNES_FILE)
        ),
        [
            "name",
            "search_name",
            "departement",
            "siren",
            "postal_codes",
            "population",
            "epci",
            "ept",
            "latitude",
            "longitude",
            "contour",
        ],
    )
    return {
        "departements": departement_counts,
        "intercommunalities": intercommunality_counts,
        "communes": commune_counts,
    }
