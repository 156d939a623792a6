"""Writes of the catalogue: generating a dataset's files (streamed to storage, hashed, validated, recorded).

A generation is no one's decision (the schedule or a change starts it), so it writes no audit entry: its own row,
kept with its status, errors and duration, is the record the dataset page shows."""

import dataclasses
import hashlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from mutualis.opendata import writers
from mutualis.opendata.models import GeneratedFile, Generation, GenerationStatus
from mutualis.opendata.registry import Dataset, Resource
from mutualis.opendata.validation import file_errors

logger = logging.getLogger(__name__)
# Generations whose files are kept in storage per dataset (older files are deleted, their rows stay as history).
KEPT_GENERATIONS = 3


def _producer_field(resource: Resource) -> str:
    """Which callable of the resource produces its records."""
    if resource.format == "geojson":
        return "features"
    return "items" if resource.items is not None else "rows"


def _with_producer(resource: Resource, field: str, producer: Callable[[], Iterator[Any]]) -> Resource:
    """The resource with `field` (rows, features or items) produced by `producer` instead."""
    if field == "features":
        return dataclasses.replace(resource, features=producer)
    if field == "items":
        return dataclasses.replace(resource, items=producer)
    return dataclasses.replace(resource, rows=producer)


def _write(resource: Resource, directory: Path) -> tuple[Path, int, str, int]:
    """Stream the resource into a local file: its path, byte size, SHA-256 and number of records (rows, features
    or items), counted as the producer yields them."""
    counted = [0]
    field = _producer_field(resource)
    produce = getattr(resource, field)

    def counting() -> Iterator[Any]:
        for record in produce():
            counted[0] += 1
            yield record

    path = directory / resource.filename
    digest, size = hashlib.sha256(), 0
    with path.open("wb") as handle:
        for chunk in writers.chunks(_with_producer(resource, field, counting)):
            handle.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return path, size, digest.hexdigest(), counted[0]


def _prune(dataset: Dataset) -> None:
    """Delete the stored files of all but the last KEPT_GENERATIONS generations of the dataset."""
    old = Generation.objects.filter(dataset=dataset.slug).exclude(status=GenerationStatus.RUNNING)[KEPT_GENERATIONS:]
    for stored in GeneratedFile.objects.filter(generation__in=list(old)).exclude(storage_name=""):
        default_storage.delete(stored.storage_name)
        GeneratedFile.objects.filter(pk=stored.pk).update(storage_name="")


def generation_run(*, dataset: Dataset, trigger: str = "") -> Generation:
    """Write every resource file of the dataset through the storage API, with its size and SHA-256, validate each
    against its schema, and record the generation: valid, invalid (files kept, errors listed) or failed."""
    generation = Generation.objects.create(dataset=dataset.slug, trigger=trigger[:32])
    started = time.monotonic()
    errors: list[str] = []
    status = GenerationStatus.VALID
    try:
        with tempfile.TemporaryDirectory(prefix="opendata-") as tmp:
            for resource in dataset.resources:
                path, size, sha256, rows = _write(resource, Path(tmp))
                problems = file_errors(resource, path)
                if problems:
                    status = GenerationStatus.INVALID
                    errors += [f"{resource.filename} : {problem}" for problem in problems]
                name = f"opendata/{dataset.slug}/{generation.pk}/{resource.filename}"
                with path.open("rb") as handle:
                    stored_name = default_storage.save(name, File(handle))
                GeneratedFile.objects.create(
                    generation=generation,
                    filename=resource.filename,
                    storage_name=stored_name,
                    media_type=resource.media_type,
                    byte_size=size,
                    sha256=sha256,
                    rows=rows,
                    valid=None if problems is None else not problems,
                    errors=problems or [],
                )
    except Exception as error:  # any failure of an app's producer is recorded, and the previous files stay served
        logger.exception("open data generation of %s failed", dataset.slug)
        status, errors = GenerationStatus.FAILED, [*errors, f"{type(error).__name__} : {error}"]
        for stored in generation.files.all():
            default_storage.delete(stored.storage_name)
        generation.files.all().delete()
    generation.status = status
    generation.errors = errors[:200]
    generation.finished_at = timezone.now()
    generation.duration_ms = int((time.monotonic() - started) * 1000)
    generation.save(update_fields=["status", "errors", "finished_at", "duration_ms"])
    _prune(dataset)
    return generation
