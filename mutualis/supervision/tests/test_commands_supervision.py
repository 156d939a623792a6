"""Commands: a source's token printed and rotated; the scheduler's single pass; the demo."""

import io

import pytest
from django.core.management import CommandError, call_command

from mutualis.supervision.services.sources import source_authenticate
from mutualis.supervision.tests.factories import SOURCE_TOKEN, EventSourceFactory

pytestmark = pytest.mark.django_db


def test_source_token_prints_a_new_token_and_the_old_one_stops():
    """`supervision_source_token NAME` prints a working token; the previous one no longer authenticates."""
    source = EventSourceFactory(name="frigate-versailles")
    out = io.StringIO()
    call_command("supervision_source_token", "frigate-versailles", stdout=out)
    token = out.getvalue().strip()
    assert source_authenticate(token=token) == source
    assert source_authenticate(token=SOURCE_TOKEN) is None


def test_source_token_unknown_source():
    """An unknown source name is a clear error."""
    with pytest.raises(CommandError, match="Source inconnue"):
        call_command("supervision_source_token", "inconnue")


def test_scheduler_once_runs_every_check():
    """`supervision_scheduler --once` runs one pass of the scheduled checks and says what they did."""
    out = io.StringIO()
    call_command("supervision_scheduler", "--once", stdout=out)
    assert "escalations : 0" in out.getvalue()
