"""The resource writers stream: rows are pulled batch by batch, never all at once, and the three formats say the
same thing as the rows."""

import csv
import io
import json
from decimal import Decimal

from mutualis.opendata import writers
from mutualis.opendata.registry import Resource

HEADER = ("code", "taux", "nom")


def counting_rows(total: int, pulled: list[int]):
    for index in range(total):
        pulled[0] = index + 1
        yield (f"{index:05d}", Decimal("12.5"), None if index % 2 else "Nom, avec virgule")


def test_the_csv_writer_pulls_rows_batch_by_batch():
    """After the first data chunk only one batch of rows has been read from the producer."""
    pulled = [0]
    resource = Resource(format="csv", filename="x.csv", header=HEADER, rows=lambda: counting_rows(50_000, pulled))
    chunks = writers.chunks(resource)
    next(chunks)  # header
    next(chunks)
    assert pulled[0] <= writers.BATCH + 1
    rest = b"".join(chunks)
    assert pulled[0] == 50_000 and rest.count(b"\r\n") == 50_000 - writers.BATCH


def test_the_geojson_writer_pulls_features_batch_by_batch():
    """The GeoJSON writer also reads one batch at a time."""
    pulled = [0]

    def features():
        for key, *values in counting_rows(10_000, pulled):
            yield key, {"type": "Point", "coordinates": [2.1, 48.8]}, (key, *values)

    chunks = writers.chunks(Resource(format="geojson", filename="x.geojson", header=HEADER, features=features))
    next(chunks)
    next(chunks)
    assert pulled[0] <= writers.BATCH + 1


def test_the_formats_carry_the_rows():
    """CSV (French dialect: semicolons, BOM, decimal comma), JSON and GeoJSON hold the producer's values."""
    rows = [("78646", Decimal("30.5"), "Versailles"), ("78686", None, "Viroflay")]
    french = Resource(
        format="csv",
        filename="a.csv",
        header=HEADER,
        rows=lambda: iter(rows),
        delimiter=";",
        bom=True,
        decimal_comma=True,
    )
    text = b"".join(writers.chunks(french)).decode("utf-8")
    assert text.startswith("\ufeffcode;taux;nom\r\n")
    assert list(csv.reader(io.StringIO(text[1:]), delimiter=";"))[1:] == [
        ["78646", "30,5", "Versailles"],
        ["78686", "", "Viroflay"],
    ]
    as_json = json.loads(
        b"".join(writers.chunks(Resource(format="json", filename="a.json", header=HEADER, rows=lambda: iter(rows))))
    )
    assert as_json == [
        {"code": "78646", "taux": 30.5, "nom": "Versailles"},
        {"code": "78686", "taux": None, "nom": "Viroflay"},
    ]
    enveloped = Resource(
        format="json", filename="b.json", items=lambda: iter([{"id": 1}]), envelope=("marches", "marche")
    )
    assert json.loads(b"".join(writers.chunks(enveloped))) == {"marches": {"marche": [{"id": 1}]}}
    empty = Resource(format="json", filename="c.json", items=lambda: iter([]), envelope=("marches", "marche"))
    assert json.loads(b"".join(writers.chunks(empty))) == {"marches": {"marche": []}}
