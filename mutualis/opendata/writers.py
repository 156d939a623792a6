"""Resource writers: a resource's rows turned into CSV, JSON or GeoJSON as a generator of byte chunks.

Constant memory whatever the row count: rows are pulled from the resource's generator in batches of BATCH, each
batch encoded at once (csv.writer.writerows into a reused buffer; orjson for JSON, one call per batch) and yielded;
nothing holds more than one batch. The same chunks feed a StreamingHttpResponse and the worker's generated file.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import islice
from typing import Any

import orjson

from mutualis.opendata.registry import Resource

BATCH = 2000
_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    """What orjson cannot write by itself: decimals as numbers, lazy translations as text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):  # pragma: no cover (orjson writes dates itself)
        return value.isoformat()
    return str(value)


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default, option=_JSON_OPTIONS)


def _batches(iterable: Iterable[Any]) -> Iterator[list[Any]]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _french_decimals(row: Sequence[Any]) -> list[Any]:
    return [str(value).replace(".", ",") if isinstance(value, float | Decimal) else value for value in row]


def csv_chunks(resource: Resource) -> Iterator[bytes]:
    """The CSV file: header then rows, in the resource's dialect (delimiter, BOM, decimal commas); None is empty."""
    assert resource.rows is not None
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=resource.delimiter, lineterminator="\r\n")
    writer.writerow(resource.header)
    first = ("\ufeff" if resource.bom else "") + buffer.getvalue()
    yield first.encode("utf-8")
    for batch in _batches(resource.rows()):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(map(_french_decimals, batch) if resource.decimal_comma else batch)
        yield buffer.getvalue().encode("utf-8")


def _json_array(
    items: Iterable[Any], opening: bytes, closing: bytes, build: Callable[[list[Any]], list[Any]] | None = None
) -> Iterator[bytes]:
    """`opening`, the items (each batch turned into JSON objects by `build`, then one orjson call) separated by
    commas, `closing`. An empty batch never reaches orjson: "[]"[1:-1] would be fine, a stray comma would not."""
    yield opening
    separator = b""
    for batch in _batches(items):
        yield separator + _dumps(build(batch) if build else batch)[1:-1]
        separator = b","
    yield closing


def json_chunks(resource: Resource) -> Iterator[bytes]:
    """The JSON file: the resource's items inside its envelope, else one object per row keyed by the header."""
    opening = b"".join(b'{"' + key.encode() + b'":' for key in resource.envelope) + b"["
    closing = b"]" + b"}" * len(resource.envelope)
    if resource.items is not None:
        yield from _json_array(resource.items(), opening, closing)
        return
    assert resource.rows is not None
    header = tuple(resource.header)
    yield from _json_array(
        resource.rows(), opening, closing, lambda batch: [dict(zip(header, row, strict=True)) for row in batch]
    )


def geojson_chunks(resource: Resource) -> Iterator[bytes]:
    """The GeoJSON FeatureCollection (RFC 7946: WGS84 longitude/latitude, no « crs »), one feature per row."""
    assert resource.features is not None
    header = tuple(resource.header)

    def build(batch: list[Any]) -> list[dict[str, Any]]:
        # A list comprehension per batch: the per-feature cost is two dicts, orjson does the rest in C.
        return [
            {"type": "Feature", "id": key, "geometry": geometry, "properties": dict(zip(header, values, strict=True))}
            for key, geometry, values in batch
        ]

    yield from _json_array(resource.features(), b'{"type":"FeatureCollection","features":[', b"]}", build)


WRITERS = {"csv": csv_chunks, "json": json_chunks, "geojson": geojson_chunks}


def chunks(resource: Resource) -> Iterator[bytes]:
    """The file of a resource, as byte chunks."""
    return WRITERS[resource.format](resource)


def _cell(value: Any) -> Any:
    """A nested JSON value as compact text, cut to 120 characters; other values as they are."""
    if isinstance(value, dict | list):
        text = _dumps(value).decode()
        return text if len(text) <= 120 else text[:119] + "…"
    return value


def preview_rows(resource: Resource, limit: int = 10) -> tuple[list[str], list[list[Any]]]:
    """The header and first rows of a resource (what the dataset page previews): its rows, or for a JSON of its
    own shape the first items' top-level members (nested values as compact JSON)."""
    if resource.rows is not None:
        return list(resource.header), [list(row) for row in islice(resource.rows(), limit)]
    if resource.items is not None:
        items = list(islice(resource.items(), limit))
        header = list(dict.fromkeys(key for item in items for key in item))
        return header, [[_cell(item.get(key)) for key in header] for item in items]
    return [], []
