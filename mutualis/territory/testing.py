"""Pytest plugin: the `territory` fixture loads the real territory (2 départements, 16 EPCI/EPT, 295 communes), and
`ban_geocoder` stands in for the Base Adresse Nationale on 127.0.0.1 (tests never reach the network).

Listed in the root conftest's `pytest_plugins`, so every app's tests can ask for them:

    def test_member_of_a_commune(territory):
        member = MemberFactory(communes=[territory.versailles])

    def test_geocoding(ban_geocoder):
        ban_geocoder.answer(label="1 Place de l'Hôtel de Ville 78400 Chatou", latitude=48.889, longitude=2.157)
"""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

# Attribute name → INSEE code (communes), code (départements), SIREN (intercommunalities).
COMMUNES = {
    "versailles": "78646",
    "chatou": "78146",
    "montigny": "78423",
    "saint_germain": "78551",
    "boulogne": "92012",
    "montrouge": "92049",
    "courbevoie": "92026",
    "clamart": "92023",
    "nanterre": "92050",
}
DEPARTEMENTS = {"yvelines": "78", "hauts_de_seine": "92"}
INTERCOMMUNALITIES = {
    "cavgp": "247800584",  # CA Versailles Grand Parc
    "sqy": "200058782",  # CA de Saint-Quentin-en-Yvelines
    "gpso": "200057974",  # EPT Grand Paris Seine Ouest
    "vsgp": "200057966",  # EPT Vallée Sud - Grand Paris
    "pold": "200057982",  # EPT Paris Ouest La Défense
    "mgp": "200054781",  # Métropole du Grand Paris
}


def load_territory_namespace() -> SimpleNamespace:
    """Load the real territory (idempotent) and return the well-known places by attribute."""
    from mutualis.territory.models import Commune, Departement, Intercommunality
    from mutualis.territory.services import territory_load

    territory_load()
    communes = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=COMMUNES.values())}
    departements = {d.code: d for d in Departement.objects.filter(code__in=DEPARTEMENTS.values())}
    intercommunalities = {i.siren: i for i in Intercommunality.objects.filter(siren__in=INTERCOMMUNALITIES.values())}
    return SimpleNamespace(
        **{name: communes[code] for name, code in COMMUNES.items()},
        **{name: departements[code] for name, code in DEPARTEMENTS.items()},
        **{name: intercommunalities[siren] for name, siren in INTERCOMMUNALITIES.items()},
    )


@pytest.fixture
def territory(db) -> SimpleNamespace:
    """The real territory in the test database; `.versailles`, `.boulogne`, `.yvelines`, `.gpso`, `.mgp`…"""
    return load_territory_namespace()


class FakeBan:
    """What the fake BAN answers (`features`, or `status` with a raw `body`) and the queries it was sent."""

    def __init__(self) -> None:
        self.features: list[dict[str, Any]] = []
        self.status = 200
        self.body: bytes | None = None
        self.queries: list[dict[str, str]] = []
        self.url = ""

    def answer(self, *, label: str, latitude: float, longitude: float, score: float = 0.95) -> None:
        """Answer every search with this one address (a BAN feature: a point, its label and score)."""
        self.features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": {"label": label, "score": score, "type": "housenumber"},
            }
        ]

    def response(self) -> tuple[int, bytes]:
        if self.body is not None:
            return self.status, self.body
        payload = {"type": "FeatureCollection", "version": "draft", "features": self.features}
        return self.status, json.dumps(payload).encode()


def _handler(fake: FakeBan) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            fake.queries.append({key: values[0] for key, values in parse_qs(urlsplit(self.path).query).items()})
            status, body = fake.response()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
            pass

    return Handler


@pytest.fixture
def ban_geocoder(settings: Any) -> Iterator[FakeBan]:
    """A BAN-shaped geocoder on 127.0.0.1 (a free port), with BAN_GEOCODER_URL pointing at it for the test."""
    fake = FakeBan()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/search/"
    settings.BAN_GEOCODER_URL = fake.url
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()
