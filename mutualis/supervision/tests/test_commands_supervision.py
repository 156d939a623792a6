"""Commands: a source's token printed and rotated; the periodic checks; the demo."""

import io

import pytest
from django.core.management import CommandError, call_command

from mutualis.supervision import tasks
from mutualis.supervision.services.sources import source_authenticate
from mutualis.supervision.tests.factories import SOURCE_TOKEN, EventSourceFactory

pytestmark = pytest.mark.django_db


def test_source_token_prints_a_new_token_and_the_old_one_stops():
    """`supervision_source_token NAME` prints a working token; the previous one no longer authenticates."""
    source = EventSourceFactory(name="frigate-versailles", token=SOURCE_TOKEN)
    out = io.StringIO()
    call_command("supervision_source_token", "frigate-versailles", stdout=out)
    token = out.getvalue().strip()
    assert source_authenticate(token=token) == source
    assert source_authenticate(token=SOURCE_TOKEN) is None


def test_source_token_unknown_source():
    """An unknown source name is a clear error."""
    with pytest.raises(CommandError, match="Source inconnue"):
        call_command("supervision_source_token", "inconnue")


def test_each_periodic_check_runs_as_a_worker_task():
    """Each of supervision's periodic checks runs as a task and says how many it handled (none here)."""
    for check in (
        tasks.refresh_legal_frame,
        tasks.check_camera_health,
        tasks.escalate_alarms,
        tasks.renewal_alerts,
        tasks.detect_anomalies,
    ):
        assert check.enqueue().return_value == 0, check.name


def test_each_sources_token_authenticates_that_source_only():
    """Two sources have two tokens: each one authenticates its own source, never the other."""
    one = EventSourceFactory(name="source-une", token="jeton-de-la-source-une-0123456789")
    two = EventSourceFactory(name="source-deux", token="jeton-de-la-source-deux-0123456789")
    assert source_authenticate(token="jeton-de-la-source-une-0123456789") == one
    assert source_authenticate(token="jeton-de-la-source-deux-0123456789") == two
