"""Security defaults: cookies, headers, audit page filters."""

import subprocess
import sys

import pytest
from django.conf import settings

from mutualis.accounts.tests.factories import StaffFactory, UserFactory
from mutualis.core.services import audit_record
from mutualis.core.testing import login_as

pytestmark = pytest.mark.django_db


def _settings_in_clean_process(env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        f"from django.conf import settings as s; print({expression})"
    )
    base = {"PATH": "/usr/bin:/bin", "MUTUALIS_VAR_DIR": "/tmp/mutualis-settings-check-absent"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=base | env, capture_output=True, text=True
    )


def test_production_defaults_are_secure():
    """Without any environment but a key, cookies are Secure and HttpOnly, DEBUG is off (checked in a clean
    process)."""
    out = _settings_in_clean_process(
        {"SECRET_KEY": "k" * 50}, "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.DEBUG"
    )
    assert out.stdout.split() == ["True", "True", "True", "False"], out.stderr


def test_settings_refuse_to_start_without_a_secret_key():
    """With DEBUG off, no SECRET_KEY and no var/secret_key, the settings stop the start-up and say what to set; the
    built-in local key is refused too, and only accepted with DEBUG on."""
    missing = _settings_in_clean_process({}, "s.SECRET_KEY")
    assert missing.returncode != 0 and "SECRET_KEY is not set" in missing.stderr
    builtin = "insecure-local-only-key-change-me-in-production-0123456789"
    refused = _settings_in_clean_process({"SECRET_KEY": builtin}, "s.SECRET_KEY")
    assert refused.returncode != 0 and "SECRET_KEY is not set" in refused.stderr
    debug = _settings_in_clean_process({"DEBUG": "true"}, "s.SECRET_KEY == " + repr(builtin))
    assert debug.stdout.split() == ["True"], debug.stderr


def test_settings_refuse_a_boolean_they_do_not_understand():
    """SECURE_COOKIES=flase is a typo, not "false": the start-up stops with the variable named, rather than silently
    choosing one of the two."""
    out = _settings_in_clean_process({"SECRET_KEY": "k" * 50, "SECURE_COOKIES": "flase"}, "s.SECURE_COOKIES")
    assert out.returncode != 0 and "SECURE_COOKIES='flase' is not a boolean" in out.stderr
    out = _settings_in_clean_process({"SECRET_KEY": "k" * 50, "SECURE_COOKIES": "Off"}, "s.SECURE_COOKIES")
    assert out.stdout.split() == ["False"], out.stderr


def test_importing_settings_creates_no_directory(tmp_path):
    """Reading the settings has no side effect on the disk: the SQLite folder is made by `make migrate`."""
    var_dir = tmp_path / "var-not-made"
    out = _settings_in_clean_process({"SECRET_KEY": "k" * 50, "MUTUALIS_VAR_DIR": str(var_dir)}, "s.DEBUG")
    assert out.stdout.split() == ["False"], out.stderr
    assert not var_dir.exists()


def test_pages_send_protective_headers(client):
    """Pages forbid framing and MIME sniffing and keep the referrer on the same origin."""
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_healthz_reports_a_database_failure(client, monkeypatch):
    """When the database does not answer, /healthz says so with HTTP 503."""
    from django.db import connection

    def broken():
        raise RuntimeError("down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"].startswith("error")


def test_audit_page_filters_entries(client):
    """Staff filter the audit log by action and text; members' users never see it."""
    staff = StaffFactory()
    audit_record(actor=staff, action="member.approve", object_type="members.member", object_repr="Commune de Clamart")
    audit_record(actor=staff, action="site.create", object_type="members.site", object_repr="Mairie de Vanves")
    login_as(client, staff)
    body = client.get("/back-office/journal/", {"action": "member.approve"}).content.decode()
    assert "Commune de Clamart" in body and "Mairie de Vanves" not in body
    body = client.get("/back-office/journal/", {"q": "vanves"}).content.decode()
    assert "Mairie de Vanves" in body and "Commune de Clamart" not in body
    login_as(client, UserFactory())
    assert client.get("/back-office/journal/").status_code == 404


def test_notifications_page_lists_and_marks_read(client):
    """A user sees only their notifications and can mark them read."""
    from mutualis.core.models import Notification
    from mutualis.core.services import notify

    user, other = UserFactory(), UserFactory()
    notify(recipients=[user], kind="test", title="Pour vous")
    notify(recipients=[other], kind="test", title="Pour un autre")
    login_as(client, user)
    body = client.get("/notifications/").content.decode()
    assert "Pour vous" in body and "Pour un autre" not in body
    client.post("/notifications/")
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).exists()
