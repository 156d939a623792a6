"""The platform's periodic tasks (core.schedule): each due slot is claimed once in the database whatever the number
of clocks, at its interval, once when overdue; every app registers its periodic jobs."""

import datetime

import pytest
from django.utils import timezone

from mutualis.core import schedule
from mutualis.core.models import PeriodicSlot

pytestmark = pytest.mark.django_db

START = timezone.make_aware(datetime.datetime(2026, 3, 2, 8, 0))


class Recorder:
    """Stands for a django-tasks task: counts its enqueued runs."""

    def __init__(self) -> None:
        self.runs = 0

    def enqueue(self) -> None:
        self.runs += 1


def _periodic(minutes: int = 10) -> tuple[schedule.Periodic, Recorder]:
    recorder = Recorder()
    return schedule.Periodic("test.job", recorder, datetime.timedelta(minutes=minutes)), recorder


def test_two_clocks_enqueue_each_run_once():
    """Two clocks passing at the same instant (two machines): one claims the slot and enqueues, the other does
    nothing; at the next interval again only one does."""
    periodic, recorder = _periodic()
    first = schedule.tick(now=START, periodics=[periodic])
    second = schedule.tick(now=START, periodics=[periodic])
    assert (first, second, recorder.runs) == (["test.job"], [], 1)
    later = START + datetime.timedelta(minutes=10)
    assert schedule.tick(now=later, periodics=[periodic]) == ["test.job"]
    assert schedule.tick(now=later + datetime.timedelta(seconds=1), periodics=[periodic]) == []
    assert recorder.runs == 2


def test_a_slot_taken_by_another_clock_is_not_claimed_again():
    """The claim is a compare-and-set on the next run read: a clock whose read is stale (another clock moved the
    slot in between) claims nothing."""
    periodic, _recorder = _periodic()
    assert schedule.claim(periodic, now=START)
    slot = PeriodicSlot.objects.get(name="test.job")
    due = START + datetime.timedelta(minutes=10)
    assert schedule.claim(periodic, now=due)  # clock A
    # Clock B read the slot before A's update: its conditional UPDATE on the old value finds no row.
    assert not PeriodicSlot.objects.filter(pk=slot.pk, next_run_at=slot.next_run_at).update(next_run_at=due)
    assert not schedule.claim(periodic, now=due)
    assert PeriodicSlot.objects.get(name="test.job").next_run_at == due + datetime.timedelta(minutes=10)


def test_the_interval_is_respected():
    """A task runs when first seen, then not before its interval has passed, then again."""
    periodic, recorder = _periodic(minutes=15)
    for minutes, expected in ((0, 1), (5, 1), (14, 1), (15, 2), (29, 2), (30, 3)):
        schedule.tick(now=START + datetime.timedelta(minutes=minutes), periodics=[periodic])
        assert recorder.runs == expected, minutes


def test_an_overdue_task_runs_once_after_a_stop():
    """After a day without a clock, a task due every 10 minutes runs once (no burst of catch-up runs), and its next
    run counts from then; the state is in the database, so a new clock process sees it."""
    periodic, recorder = _periodic()
    schedule.tick(now=START, periodics=[periodic])
    back = START + datetime.timedelta(days=1)
    assert schedule.tick(now=back, periodics=[periodic]) == ["test.job"]
    assert schedule.tick(now=back, periodics=[periodic]) == []
    assert recorder.runs == 2
    assert schedule.next_runs()["test.job"] == back + datetime.timedelta(minutes=10)


def test_a_failed_enqueue_leaves_the_slot_due():
    """The claim and the enqueue commit together: when enqueueing fails, the next pass enqueues it."""

    class Broken:
        def enqueue(self) -> None:
            raise RuntimeError("queue unavailable")

    broken = schedule.Periodic("test.job", Broken(), datetime.timedelta(minutes=10))
    with pytest.raises(RuntimeError):
        schedule.tick(now=START, periodics=[broken])
    assert not PeriodicSlot.objects.exists()
    periodic, recorder = _periodic()
    assert schedule.tick(now=START, periodics=[periodic]) == ["test.job"]


def test_register_refuses_what_the_worker_cannot_run():
    """Only a django-tasks task with a positive interval can be registered."""
    with pytest.raises(TypeError):
        schedule.register_periodic("test.plain", print, every=datetime.timedelta(minutes=1))
    with pytest.raises(ValueError):
        schedule.register_periodic("test.zero", Recorder(), every=datetime.timedelta(0))
    assert "test.plain" not in {p.name for p in schedule.periodic_tasks()}


def test_every_app_registers_its_periodic_jobs():
    """Supervision, evidence retention, open data, education and charging register their jobs, each a django-tasks
    task the worker can import and run."""
    from django.utils.module_loading import import_string

    registered = {p.name: p for p in schedule.periodic_tasks()}
    assert set(registered) >= {
        "supervision.escalation",
        "supervision.legal_frame",
        "supervision.camera_health",
        "supervision.renewal_alerts",
        "supervision.anomalies",
        "supervision.evidence_retention",
        "opendata.refresh",
        "education.overdue_loans",
        "charging.offline_sweep",
    }
    for periodic in registered.values():
        assert import_string(periodic.task.module_path) is periodic.task, periodic.name
        assert periodic.label, periodic.name
    assert registered["supervision.escalation"].every == datetime.timedelta(seconds=30)
    assert registered["education.overdue_loans"].every == datetime.timedelta(days=1)


def test_intervals_read_in_french():
    """`--list` says the intervals in French."""
    td = datetime.timedelta
    assert schedule.every_label(td(seconds=30)) == "toutes les 30 secondes"
    assert schedule.every_label(td(minutes=1)) == "toutes les minutes"
    assert schedule.every_label(td(minutes=15)) == "toutes les 15 minutes"
    assert schedule.every_label(td(hours=1)) == "toutes les heures"
    assert schedule.every_label(td(days=1)) == "tous les jours"
    assert schedule.every_label(td(days=7)) == "tous les 7 jours"
