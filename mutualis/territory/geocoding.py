"""Geocoding an address with the Base Adresse Nationale (BAN) API, when the operator turns it on.

`settings.BAN_GEOCODER_URL` is the search endpoint (https://api-adresse.data.gouv.fr/search/ for the national
service, or an instance of addok hosted by the operator); empty, the default, turns geocoding off: the platform then
never calls out, and coordinates are typed or placed on the map. The service answers GeoJSON: a FeatureCollection
whose features are points with `label` and `score` properties, best first (https://adresse.data.gouv.fr/outils/api-doc/adresse).
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# A page waits for the answer: give up quickly rather than hang the form.
TIMEOUT_SECONDS = 5
USER_AGENT = "Mutualis (géocodage des sites des adhérents)"


class GeocoderUnavailable(Exception):
    """The geocoding service could not be reached or gave an answer that is not the BAN's; `message` says so."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class GeocodedAddress:
    """The address the service found, and its point (WGS84)."""

    label: str
    latitude: float
    longitude: float
    score: float


def geocoder_enabled() -> bool:
    """Whether the operator turned geocoding on (BAN_GEOCODER_URL set)."""
    return bool(settings.BAN_GEOCODER_URL)


def _unavailable() -> GeocoderUnavailable:
    return GeocoderUnavailable(
        _(
            "Le service de géocodage de la Base Adresse Nationale ne répond pas. Réessayez plus tard, ou placez le "
            "point sur la carte ou saisissez la latitude et la longitude."
        )
    )


def _first_point(payload: Any) -> GeocodedAddress | None:
    """The best feature of a BAN answer, or None when it found nothing; an answer of another shape is refused."""
    if not isinstance(payload, dict) or not isinstance(payload.get("features"), list):
        raise _unavailable()
    for feature in payload["features"]:
        try:
            longitude, latitude = (float(value) for value in feature["geometry"]["coordinates"][:2])
            properties = feature.get("properties") or {}
            return GeocodedAddress(
                label=str(properties.get("label") or ""),
                latitude=latitude,
                longitude=longitude,
                score=float(properties.get("score") or 0),
            )
        except (KeyError, TypeError, ValueError):
            continue
    return None


def geocode_address(*, address: str, citycode: str) -> GeocodedAddress | None:
    """The point of an address in the commune of that INSEE code (BAN), or None when the service found nothing.

    Raises GeocoderUnavailable (with a French message) when geocoding is off, unreachable or answers nonsense."""
    base = settings.BAN_GEOCODER_URL
    if urllib.parse.urlsplit(base).scheme not in {"http", "https"}:
        raise _unavailable()
    query = urllib.parse.urlencode({"q": address, "citycode": citycode, "limit": 1})
    request = urllib.request.Request(  # noqa: S310 (scheme checked above: http or https only)
        f"{base}{'&' if '?' in base else '?'}{query}", headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (same)
            payload = json.loads(response.read(1_000_000))
    except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts are OSError; bad JSON is ValueError
        raise _unavailable() from exc
    return _first_point(payload)
