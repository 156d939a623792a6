"""The periodic refresh (enqueued by the clock): a dataset is generated when it has no generation, when its
frequency says so, or when its data changed since; one requested generation waits at a time."""

import datetime

import pytest
from django.utils import timezone

from mutualis.opendata import registry, tasks
from mutualis.opendata.models import Generation, GenerationStatus
from mutualis.opendata.services import generation_run

pytestmark = pytest.mark.django_db


def test_a_dataset_is_due_when_new_old_or_changed(catalogue_data):
    """New → "new"; generated just now → not due; data changed after → "change"; older than its frequency →
    "schedule"."""
    dataset = registry.dataset_get("adherents")
    now = timezone.now()
    assert tasks.is_due(dataset, now=now) == "new"
    generation = generation_run(dataset=dataset)
    assert tasks.is_due(dataset, now=timezone.now()) == ""
    member = catalogue_data["member"]
    member.name = "Collège Hoche bis"
    member.save()
    assert tasks.is_due(dataset, now=timezone.now()) == "change"
    Generation.objects.filter(pk=generation.pk).update(started_at=now - datetime.timedelta(days=8))
    assert tasks.is_due(dataset, now=timezone.now()) == "schedule"


def test_the_refresh_generates_only_what_is_due(catalogue_data):
    """A refresh generates every dataset the first time, and nothing when all are current."""
    first = tasks.refresh_catalogue.enqueue().return_value
    assert sorted(first) == sorted(dataset.slug for dataset in registry.datasets())
    assert tasks.refresh_catalogue.enqueue().return_value == []


def test_the_task_generates_one_dataset(catalogue_data):
    """generate_dataset runs one generation; an unknown slug is "missing"."""
    assert tasks.generate_dataset.enqueue("decp").return_value == GenerationStatus.VALID
    assert tasks.generate_dataset.enqueue("inconnu").return_value == "missing"


@pytest.fixture
def worker_backend(settings):
    """The tasks go to the database backend, as with the worker (nothing runs inline)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_requested_generation_waits_once(worker_backend):
    """Asking a generation twice leaves one waiting; another dataset's waits beside it."""
    from django_tasks_db.models import DBTaskResult

    assert tasks.can_defer()
    assert tasks.request_generation("decp") and not tasks.request_generation("decp")
    assert tasks.request_generation("adherents")
    assert DBTaskResult.objects.count() == 2


def test_the_clock_refreshes_the_catalogue_at_its_interval(settings):
    """The clock enqueues the refresh every OPENDATA_REFRESH_MINUTES (registered by the app)."""
    from mutualis.core.schedule import periodic_tasks

    [periodic] = [p for p in periodic_tasks() if p.name == "opendata.refresh"]
    assert periodic.task is tasks.refresh_catalogue
    assert periodic.every == datetime.timedelta(minutes=settings.OPENDATA_REFRESH_MINUTES)
