"""Validation of generated files against their schema: Frictionless for Table Schemas (the engine the national
portal uses), jsonschema for JSON Schemas (DECP), an RFC 7946 structure schema for GeoJSON."""

import json
from pathlib import Path
from typing import Any

import jsonschema
from frictionless import Dialect, Schema, formats
from frictionless import Resource as TableResource

from mutualis.opendata.registry import Resource

MAX_ERRORS = 50
GEOJSON_SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "geojson-featurecollection.json"
# Above this size a GeoJSON file is not loaded to check its structure (the writer builds it the same way always).
GEOJSON_CHECK_MAX_BYTES = 64 * 1024 * 1024


def _load_json(path: Path) -> Any:
    with path.open("rb") as handle:
        return json.load(handle)


def table_errors(resource: Resource, path: Path) -> list[str]:
    """Errors of a CSV file against the resource's Table Schema (row, field and note of each, at most MAX_ERRORS)."""
    assert resource.table_schema is not None
    schema = Schema.from_descriptor(_load_json(resource.table_schema))
    table = TableResource(
        path=path.name,
        basepath=str(path.parent),
        schema=schema,
        format="csv",
        encoding="utf-8-sig" if resource.bom else "utf-8",
        dialect=Dialect(controls=[formats.CsvControl(delimiter=resource.delimiter)]),
    )
    report = table.validate(limit_errors=MAX_ERRORS)
    return [
        " ".join(str(part) for part in (f"ligne {row}" if row else "", field or "", f"{kind} :", note) if part)
        for row, field, kind, note in report.flatten(["rowNumber", "fieldName", "type", "note"])
    ]


def json_schema_errors(schema_path: Path, document: Any) -> list[str]:
    """Errors of a JSON document against a JSON Schema, each with where it is (at most MAX_ERRORS)."""
    schema = _load_json(schema_path)
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = []
    for error in validator.iter_errors(document):
        errors.append(f"{'/'.join(str(part) for part in error.absolute_path) or '/'} : {error.message}")
        if len(errors) >= MAX_ERRORS:
            break
    return errors


def file_errors(resource: Resource, path: Path) -> list[str] | None:
    """The file's errors against its schema ([] when valid), or None when there is no schema to check."""
    if resource.format == "csv":
        return table_errors(resource, path) if resource.table_schema else None
    if resource.format == "json":
        return json_schema_errors(resource.json_schema, _load_json(path)) if resource.json_schema else None
    if path.stat().st_size > GEOJSON_CHECK_MAX_BYTES:
        return None
    return json_schema_errors(GEOJSON_SCHEMA_PATH, _load_json(path))
