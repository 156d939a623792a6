"""Security defaults: cookies, headers, audit page filters."""

import subprocess
import sys

import pytest
from django.conf import settings

from mutualis.accounts.tests.factories import StaffFactory, UserFactory
from mutualis.core.services import audit_record
from mutualis.core.testing import login_as

pytestmark = pytest.mark.django_db


def test_production_defaults_are_secure():
    """Without any environment, cookies are Secure and HttpOnly, DEBUG is off (checked in a clean process)."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.DEBUG)"
    )
    env = {"PATH": "/usr/bin:/bin", "MUTUALIS_VAR_DIR": "/tmp/mutualis-settings-check"}
    out = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["True", "True", "True", "False"], out.stderr


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
