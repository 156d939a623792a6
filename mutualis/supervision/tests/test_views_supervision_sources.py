"""Event source pages with the ONVIF settings: operators only, the password stored sealed and never shown back,
the URL over http/https only, an empty password keeping the stored one."""

import pytest
from django.test import Client, override_settings

from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.supervision.choices import SourceKind
from mutualis.supervision.integrations.onvif import credentials
from mutualis.supervision.models import EventSource
from mutualis.supervision.services.sources import source_create, source_onvif_password
from mutualis.supervision.tests.factories import EventSourceFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Cam3ra-mot-de-passe!"
ONVIF = {
    "name": "onvif-gymnase",
    "kind": SourceKind.ONVIF,
    "onvif_url": "http://10.20.0.64/onvif/device_service",
    "onvif_username": "mutualis",
    "onvif_password": PASSWORD,
}
MANAGE_GET = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 200}
MANAGE_POST = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302}


def _onvif_source() -> EventSource:
    source, _token = source_create(acting_user=None, **ONVIF)
    return source


def _state():
    return rows(EventSource.objects.all())


def test_an_onvif_source_is_declared_with_its_password_sealed(world):
    """An operator declares an ONVIF camera: the password is stored encrypted, never in clear, never shown back in
    the pages, and the ingest process can open it."""
    client = login_as(Client(), world.staff)
    response = client.post("/supervision/sources/nouvelle/", ONVIF)
    assert response.status_code == 200  # the token page
    source = EventSource.objects.get(name="onvif-gymnase")
    assert (source.kind, source.onvif_username) == (SourceKind.ONVIF, "mutualis")
    assert PASSWORD not in str(rows(EventSource.objects.all())) and source.onvif_password_set
    assert source_onvif_password(source) == PASSWORD
    for url in ("/supervision/sources/", f"/supervision/sources/{source.pk}/modifier/"):
        page = client.get(url).content.decode()
        assert PASSWORD not in page and source.onvif_password_sealed not in page
    assert PASSWORD not in str(list(AuditEntry.objects.values()))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"onvif_url": "ftp://10.20.0.64/onvif"}, "onvif_url", "http:// ou https://"),
        ({"onvif_url": ""}, "onvif_url", "a besoin de l'URL"),
        ({"onvif_username": ""}, "onvif_username", "va avec un identifiant"),
    ],
)
def test_bad_onvif_settings_are_refused_in_french(world, data, field, message):
    """An ONVIF URL not over http/https, an ONVIF source without URL, a password without user: refused on the
    field, in French, and nothing is created."""
    response = login_as(Client(), world.staff).post("/supervision/sources/nouvelle/", {**ONVIF, **data})
    assert response.status_code == 400
    assert any(message in str(error) for error in response.context["form"].errors[field])
    assert not EventSource.objects.filter(name="onvif-gymnase").exists()


def test_editing_keeps_the_password_unless_a_new_one_or_clear(world):
    """Editing a source with the password left empty keeps it; a new one replaces it; « effacer » removes it (and
    the user with it)."""
    source = _onvif_source()
    client = login_as(Client(), world.staff)
    url = f"/supervision/sources/{source.pk}/modifier/"
    form = {**ONVIF, "onvif_password": "", "description": "Gymnase", "is_active": "on"}
    assert client.post(url, form).status_code == 302
    source.refresh_from_db()
    assert source.description == "Gymnase" and source_onvif_password(source) == PASSWORD and source.is_active
    assert client.post(url, {**form, "onvif_password": "nouveau"}).status_code == 302
    source.refresh_from_db()
    assert source_onvif_password(source) == "nouveau"
    response = client.post(url, {**form, "onvif_username": "", "onvif_password_clear": "on"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert not source.onvif_password_set and source.onvif_username == ""


def test_the_source_edit_page_is_for_operators_only(world):
    """The edit page and its writes: operators of supervision only, everyone else 404 and nothing changes."""
    source = EventSourceFactory(name="webhook-a")
    url = f"/supervision/sources/{source.pk}/modifier/"
    assert_role_matrix(world, method="get", url=url, expected=MANAGE_GET)
    data = {"name": "webhook-a", "kind": SourceKind.WEBHOOK, "description": "modifiée"}
    assert_role_matrix(world, method="post", url=url, data=data, expected=MANAGE_POST, state=_state)


def test_the_sources_page_shows_the_ingest_error(world):
    """What the ingest process last failed on is on the sources page."""
    source = _onvif_source()
    EventSource.objects.filter(pk=source.pk).update(last_error="Identifiants refusés par l'équipement ONVIF.")
    page = login_as(Client(), world.staff).get("/supervision/sources/").content.decode()
    assert "Identifiants refusés" in page and "http://10.20.0.64/onvif/device_service" in page


def test_credentials_keys_rotate():
    """A password sealed under the old key still opens when a new key is put first; a key lost makes it
    unreadable, with a clear error."""
    with override_settings(SUPERVISION_CREDENTIALS_KEYS=["ancienne-clé-longue-et-aléatoire"]):
        sealed = credentials.seal(PASSWORD)
    with override_settings(SUPERVISION_CREDENTIALS_KEYS=["nouvelle-clé", "ancienne-clé-longue-et-aléatoire"]):
        assert credentials.unseal(sealed) == PASSWORD
    with (
        override_settings(SUPERVISION_CREDENTIALS_KEYS=["nouvelle-clé"]),
        pytest.raises(credentials.CredentialError, match="clé de chiffrement"),
    ):
        credentials.unseal(sealed)
