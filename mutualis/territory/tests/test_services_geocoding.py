"""Geocoding through the Base Adresse Nationale's API: off by default, a point when found, None when not, a French
message when the service is unreachable or answers nonsense. The BAN is a local fake (`ban_geocoder`)."""

import socket

import pytest

from mutualis.territory.geocoding import GeocoderUnavailable, geocode_address, geocoder_enabled


def test_geocoding_is_off_by_default(settings):
    """Without BAN_GEOCODER_URL the platform never calls out, and asking anyway is refused in French."""
    settings.BAN_GEOCODER_URL = ""
    assert not geocoder_enabled()
    with pytest.raises(GeocoderUnavailable) as excinfo:
        geocode_address(address="1 place Maurice Berteaux", citycode="78146")
    assert "Base Adresse Nationale" in excinfo.value.message


def test_an_address_found_gives_its_point(ban_geocoder):
    """The best feature's point and label come back; the search asks for the address within the commune's code."""
    ban_geocoder.answer(label="1 Place Maurice Berteaux 78400 Chatou", latitude=48.8897, longitude=2.1573)
    found = geocode_address(address="1 place Maurice Berteaux", citycode="78146")
    assert found is not None
    assert (found.latitude, found.longitude, found.label) == (48.8897, 2.1573, "1 Place Maurice Berteaux 78400 Chatou")
    assert ban_geocoder.queries == [{"q": "1 place Maurice Berteaux", "citycode": "78146", "limit": "1"}]


def test_nothing_found_is_none(ban_geocoder):
    """An empty FeatureCollection means the address is unknown in that commune: None, not an error."""
    assert geocode_address(address="rue qui n'existe pas", citycode="78146") is None


@pytest.mark.parametrize("status, body", [(503, b"Service Unavailable"), (200, b"<html>not json</html>"), (200, b"[]")])
def test_a_broken_answer_is_unavailable(ban_geocoder, status, body):
    """An error status, or an answer that is not BAN GeoJSON, is reported as the service not answering."""
    ban_geocoder.status, ban_geocoder.body = status, body
    with pytest.raises(GeocoderUnavailable) as excinfo:
        geocode_address(address="1 place Maurice Berteaux", citycode="78146")
    assert "ne répond pas" in excinfo.value.message


def test_an_unreachable_service_is_unavailable(settings):
    """Nothing listening on the configured address: a French message, no exception leaking out."""
    with socket.socket() as probe:  # a port free now, closed before the call: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.BAN_GEOCODER_URL = f"http://127.0.0.1:{port}/search/"
    with pytest.raises(GeocoderUnavailable):
        geocode_address(address="1 place Maurice Berteaux", citycode="78146")
