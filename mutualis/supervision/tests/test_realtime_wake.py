"""Realtime wakes: a committed change of alarms wakes the consoles once, naming the alarms, and never before the
commit."""

import pytest
from django.db import transaction

from mutualis.supervision import realtime


@pytest.fixture
def wakes(monkeypatch, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    sent = []

    class _Layer:
        async def group_send(self, group, message):
            sent.append((group, message))

    monkeypatch.setattr("channels.layers.get_channel_layer", lambda *a, **k: _Layer())
    return sent


@pytest.mark.django_db(transaction=True)
def test_wake_names_the_alarms_once_the_transaction_commits(wakes):
    """Inside the transaction nothing is sent; at commit one wake names the alarms, each once, in order."""
    with transaction.atomic():
        realtime.publish_alarms([7, 3, 7])
        assert wakes == []
    assert wakes == [(realtime.CONSOLE_GROUP, {"type": "alarms.wake", "ids": [3, 7]})]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_wakes_nobody(wakes):
    """A change rolled back never wakes a console."""
    with pytest.raises(RuntimeError), transaction.atomic():
        realtime.publish_alarms([1])
        raise RuntimeError
    assert wakes == []


def test_too_many_alarms_wake_without_ids(monkeypatch):
    """Above WAKE_MAX_IDS the wake names no alarm (the consoles read everything since their cursor)."""
    monkeypatch.setattr(realtime, "WAKE_MAX_IDS", 2)
    assert realtime.wake_message([1, 2]) == {"type": "alarms.wake", "ids": [1, 2]}
    assert realtime.wake_message([1, 2, 3]) == {"type": "alarms.wake"}


@pytest.mark.django_db(transaction=True)
def test_a_wake_redis_refuses_is_logged_and_the_commit_stands(monkeypatch, settings, caplog):
    """Redis unreachable: the change is committed all the same, the lost wake is logged (the consoles' poll shows
    the alarm), and nothing is raised into the process that committed."""
    from mutualis.supervision.tests.factories import DeviceFactory

    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    class _Down:
        async def group_send(self, group, message):
            raise ConnectionError("Redis injoignable")

    monkeypatch.setattr("channels.layers.get_channel_layer", lambda *a, **k: _Down())
    with transaction.atomic():
        device = DeviceFactory(name="Caméra parvis")
        realtime.publish_alarms([1])
    assert type(device).objects.filter(pk=device.pk, name="Caméra parvis").exists()
    assert "Console wake not sent" in caplog.text


def test_wakes_share_one_event_loop_per_process():
    """Every wake of a process goes through one loop (and its Redis connections), not a new one each time."""
    loop = realtime._layer_loop()
    assert loop.is_running() and realtime._layer_loop() is loop
