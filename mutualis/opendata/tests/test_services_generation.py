"""Generating a dataset: every resource streamed to storage with its size and SHA-256, validated against its schema,
the generation recorded valid, invalid or failed."""

import hashlib
import json
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from mutualis.opendata import registry, selectors
from mutualis.opendata.models import GeneratedFile, Generation, GenerationStatus
from mutualis.opendata.registry import Dataset, Resource
from mutualis.opendata.services import KEPT_GENERATIONS, generation_run

pytestmark = pytest.mark.django_db

SCHEMA = {
    "fields": [
        {"name": "code", "type": "string", "constraints": {"required": True}},
        {"name": "count", "type": "integer", "constraints": {"minimum": 0}},
    ]
}


def small_dataset(tmp_path: Path, rows, slug="essai") -> Dataset:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    return Dataset(
        slug=slug,
        title="Essai",
        description="Un jeu d'essai.",
        resources=(
            Resource(format="csv", filename=f"{slug}.csv", header=("code", "count"), rows=rows, table_schema=schema),
            Resource(format="json", filename=f"{slug}.json", header=("code", "count"), rows=rows),
        ),
    )


def test_every_registered_dataset_generates_valid_files(catalogue_data):
    """Each dataset the apps register generates files that pass their schema (Table Schema, DECP, GeoJSON)."""
    slugs = {dataset.slug for dataset in registry.datasets()}
    assert {"fibre-communes", "decp", "adherents", "equipements-communes"} <= slugs
    for dataset in registry.datasets():
        generation = generation_run(dataset=dataset, trigger="test")
        assert generation.status == GenerationStatus.VALID, (dataset.slug, generation.errors)
        assert generation.files.count() == len(dataset.resources)


def test_stored_files_carry_their_true_size_and_sha256(catalogue_data):
    """The recorded byte size and SHA-256 are those of the file in storage (what the catalogue announces)."""
    generation = generation_run(dataset=registry.dataset_get("fibre-communes"))
    for stored in generation.files.all():
        with default_storage.open(stored.storage_name, "rb") as handle:
            content = handle.read()
        assert len(content) == stored.byte_size
        assert hashlib.sha256(content).hexdigest() == stored.sha256
    csv_file = generation.files.get(filename="fibre-communes.csv")
    assert csv_file.rows == 1 and csv_file.valid is True and csv_file.media_type == "text/csv"


def test_a_file_against_its_table_schema_makes_the_generation_invalid(tmp_path):
    """A row that breaks the Table Schema (Frictionless) marks the file and the generation invalid, with the error's
    row and field, and the files are still stored."""
    dataset = small_dataset(tmp_path, lambda: iter([("A", 1), ("", -2)]))
    generation = generation_run(dataset=dataset)
    assert generation.status == GenerationStatus.INVALID
    stored = generation.files.get(filename="essai.csv")
    assert stored.valid is False
    assert any("ligne 3" in error and "code" in error for error in stored.errors)
    assert any("count" in error for error in stored.errors)
    assert generation.files.get(filename="essai.json").valid is None  # no schema: not checked
    assert default_storage.exists(stored.storage_name)


def test_a_failing_producer_is_recorded_and_keeps_the_previous_files(tmp_path):
    """When an app's producer raises, the generation is failed with the error and the last files stay served."""
    registry.register_dataset(small_dataset(tmp_path, lambda: iter([("A", 1)])))
    try:
        good = generation_run(dataset=registry.dataset_get("essai"))

        def broken():
            yield ("A", 1)
            raise RuntimeError("base indisponible")

        failed = generation_run(dataset=small_dataset(tmp_path, broken))
        assert failed.status == GenerationStatus.FAILED
        assert any("base indisponible" in error for error in failed.errors)
        assert not failed.files.exists()
        assert selectors.published_generation("essai") == good
        assert selectors.published_file("essai.csv").generation == good
    finally:
        registry.unregister_dataset("essai")


def test_only_the_last_generations_keep_their_files(tmp_path):
    """Older generations' files are deleted from storage; their rows stay as history."""
    dataset = small_dataset(tmp_path, lambda: iter([("A", 1)]))
    first = generation_run(dataset=dataset)
    first_name = first.files.get(filename="essai.csv").storage_name
    for _ in range(KEPT_GENERATIONS):
        generation_run(dataset=dataset)
    assert not default_storage.exists(first_name)
    assert GeneratedFile.objects.get(generation=first, filename="essai.csv").storage_name == ""
    assert Generation.objects.filter(dataset="essai").count() == KEPT_GENERATIONS + 1
