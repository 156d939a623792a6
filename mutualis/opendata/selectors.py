"""Reads of the catalogue: datasets found by text, theme, commune and format; their last generation and files.

Everything here is public (open data): no user to scope by."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from mutualis.core.collation import french_key
from mutualis.opendata import registry
from mutualis.opendata.models import GeneratedFile, Generation, GenerationStatus
from mutualis.opendata.registry import Dataset, Place

PUBLISHED = (GenerationStatus.VALID, GenerationStatus.INVALID)


def _text(dataset: Dataset) -> str:
    return " ".join([str(dataset.title), str(dataset.description), *map(str, dataset.keywords)]).casefold()


def dataset_list(*, filters: dict[str, Any] | None = None) -> list[Dataset]:
    """The datasets matching the filters: `q` (words of the title, description or keywords), `theme`, `commune`
    (INSEE code in its spatial coverage) and `format`."""
    filters = filters or {}
    found = registry.datasets()
    if words := str(filters.get("q") or "").casefold().split():
        found = [dataset for dataset in found if all(word in _text(dataset) for word in words)]
    if theme := filters.get("theme"):
        found = [dataset for dataset in found if theme in dataset.themes]
    if fmt := filters.get("format"):
        found = [dataset for dataset in found if fmt in dataset.formats]
    if commune := filters.get("commune"):
        found = [dataset for dataset in found if any(place.code == commune for place in dataset.spatial())]
    return found


def commune_choices(datasets: Iterable[Dataset] | None = None) -> list[Place]:
    """The communes some dataset covers, in French order (the portal's « commune » filter)."""
    places = {
        place.code: place
        for dataset in (registry.datasets() if datasets is None else datasets)
        for place in dataset.spatial()
        if place.kind == "commune"
    }
    return sorted(places.values(), key=lambda place: french_key(place.name))


def changed_since(dataset: Dataset, when: datetime.datetime) -> bool:
    """True when the dataset's data changed after `when` (a modification dated in the future counts as now)."""
    changed = dataset.last_modified()
    return changed is not None and min(changed, timezone.now()) > when


def last_generation(slug: str) -> Generation | None:
    """The dataset's last finished generation, whatever its outcome."""
    return Generation.objects.filter(dataset=slug, finished_at__isnull=False).first()


def published_generation(slug: str) -> Generation | None:
    """The dataset's last generation whose files are served (valid, or written but not conforming)."""
    return Generation.objects.filter(dataset=slug, status__in=PUBLISHED).prefetch_related("files").first()


def published_files(slug: str) -> dict[str, GeneratedFile]:
    """The served file of each resource of the dataset, by file name (empty before the first generation)."""
    generation = published_generation(slug)
    return {stored.filename: stored for stored in generation.files.all()} if generation else {}


def published_file(filename: str) -> GeneratedFile | None:
    """The served generated file of this name, if one was generated and is still stored."""
    found = registry.resource_for(filename)
    if found is None:
        return None
    stored = published_files(found[0].slug).get(filename)
    return stored if stored is not None and stored.storage_name else None
