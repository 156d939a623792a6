"""`manage.py simulate_events`: Frigate-shaped messages through the broker and webhook events over HTTP reach the
ingestion, for the demo sources."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from mutualis.supervision.choices import SourceKind
from mutualis.supervision.models import Alarm, Event, EventSource
from mutualis.supervision.tests import mqtt
from mutualis.supervision.tests.factories import SOURCE_TOKEN, DeviceFactory, EventSourceFactory
from mutualis.supervision.tests.mqtt import run_until

mosquitto, ingestor = mqtt.mosquitto, mqtt.ingestor


@pytest.mark.django_db(transaction=True)
def test_the_simulator_feeds_both_paths(mosquitto, ingestor, live_server):
    """Scenes published for demo-frigate are ingested by the MQTT process; events posted for demo-webhook
    (DEMO-CAM-0001) by the HTTP API."""
    frigate = EventSourceFactory(
        name="demo-frigate", kind=SourceKind.FRIGATE, mqtt_topic_prefix="demo-frigate", token_hash="0" * 64
    )
    DeviceFactory(source=frigate, external_id="college-hall")
    webhook = EventSourceFactory(name="demo-webhook", token=SOURCE_TOKEN)
    DeviceFactory(source=webhook, external_id="DEMO-CAM-0001")
    engine = ingestor()
    out = io.StringIO()
    with override_settings(MQTT_PORT=mosquitto.port):
        call_command(
            "simulate_events",
            "--rate=40",
            "--duration=1.5",
            "--seed=7",
            f"--base-url={live_server.url}",
            f"--token={SOURCE_TOKEN}",
            stdout=out,
        )
    assert "1 caméras Frigate" in out.getvalue()
    assert Event.objects.filter(source=webhook).exists()
    run_until(engine, lambda: Alarm.objects.filter(device__source=frigate).exists())
    assert engine.stats["bad_payloads"] == 0 and engine.stats["error"] == 0


@pytest.mark.django_db(transaction=True)
def test_without_the_demo_sources_it_says_what_to_do():
    """Without demo-frigate nor demo-webhook (and no waiting), the simulator says to load the demo and stops."""
    err = io.StringIO()
    call_command("simulate_events", "--wait=0", stdout=io.StringIO(), stderr=err)
    assert "load_demo" in err.getvalue()


@pytest.mark.django_db
def test_the_simulator_keeps_the_published_demo_token():
    """Without --token the simulator posts with the demo token the README publishes, so a newcomer's curl keeps
    working; only a source whose token was changed gets a new one (and the old one stops working)."""
    from mutualis.supervision.demo import DEMO_WEBHOOK_TOKEN
    from mutualis.supervision.management.commands.simulate_events import Command
    from mutualis.supervision.services.sources import source_authenticate, token_hash

    demo = EventSource.objects.create(
        name="demo-webhook", kind=SourceKind.WEBHOOK, token_hash=token_hash(DEMO_WEBHOOK_TOKEN)
    )
    other = EventSource.objects.create(name="autre", kind=SourceKind.WEBHOOK, token_hash=token_hash("ancien"))

    assert Command()._demo_token(demo) == DEMO_WEBHOOK_TOKEN
    assert source_authenticate(token=DEMO_WEBHOOK_TOKEN) == demo
    fresh = Command()._demo_token(other)
    assert fresh != DEMO_WEBHOOK_TOKEN and source_authenticate(token=fresh) == other
    assert source_authenticate(token="ancien") is None
