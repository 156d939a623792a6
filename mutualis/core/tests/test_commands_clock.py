"""`manage.py clock`: `--once` enqueues every due periodic task once (the tests' backend runs them inline), a second
pass nothing; `--list` prints the schedule in French."""

import io

import pytest
from django.core.management import call_command

from mutualis.core import schedule
from mutualis.core.models import PeriodicSlot

pytestmark = pytest.mark.django_db


def test_clock_once_enqueues_every_due_task_once():
    """A first pass enqueues (and here runs) every registered task and records its slot; a second pass, within
    the intervals, enqueues nothing."""
    out = io.StringIO()
    call_command("clock", "--once", stdout=out)
    names = {p.name for p in schedule.periodic_tasks()}
    assert {line.removeprefix("En file : ") for line in out.getvalue().splitlines()} == names
    assert set(PeriodicSlot.objects.values_list("name", flat=True)) == names
    again = io.StringIO()
    call_command("clock", "--once", stdout=again)
    assert again.getvalue() == ""


def test_clock_list_prints_the_schedule_in_french():
    """`--list` names each task with its label, its interval and its next run, in French."""
    call_command("clock", "--once", stdout=io.StringIO())
    out = io.StringIO()
    call_command("clock", "--list", stdout=out)
    text = out.getvalue()
    assert text.startswith("Tâches périodiques")
    assert "supervision.escalation : Escalade des alarmes non acquittées, toutes les 30 secondes (prochaine :" in text
    assert "education.overdue_loans : Relance des prêts en retard, tous les jours" in text
    assert len(text.splitlines()) == 1 + len(schedule.periodic_tasks())
