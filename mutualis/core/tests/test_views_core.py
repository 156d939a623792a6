"""Public pages and health check."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_public_and_french(client):
    """The home page says what the platform is, in French, to anonymous visitors."""
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="fr"' in body and "opérateur public de services numériques" in body
    assert "<title>Accueil — Mutualis</title>" in body  # page title, then the platform (RGAA 8.6)


def test_healthz_reports_database(client):
    """GET /healthz returns JSON with the database status."""
    data = client.get("/healthz").json()
    assert data["status"] == "ok" and data["database"] == "ok"


def test_api_docs_are_served_offline(client):
    """Swagger UI is served from the sidecar package, not a CDN."""
    body = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in body and "cdn." not in body


def test_audit_page_is_staff_only(client):
    """Members' users get 404 on the audit log; anonymous users are sent to login."""
    from mutualis.accounts.tests.factories import UserFactory
    from mutualis.core.testing import login_as

    assert client.get("/back-office/journal/").status_code == 302
    login_as(client, UserFactory())
    assert client.get("/back-office/journal/").status_code == 404


def test_api_root_lists_collections(client):
    """GET /api/v1/ lists every collection, the schema and the docs, to anyone."""
    data = client.get("/api/v1/").json()
    for name in ("communes", "members", "sites", "contribution-calls", "schema", "docs"):
        assert name in data


def test_navigation_depends_on_the_user_and_marks_the_current_page(client):
    """Visitors see the territory; members' users their space and orders; staff the back-office; the current
    section carries aria-current."""
    from mutualis.accounts.tests.factories import StaffFactory, UserFactory
    from mutualis.core.testing import login_as

    body = client.get("/territoire/").content.decode()
    assert 'aria-current="page">Territoire' in body and "Espace adhérent" not in body
    login_as(client, UserFactory())
    body = client.get("/").content.decode()
    assert "Espace adhérent" in body and "Catalogue" in body and "Journal d&#x27;audit" not in body
    login_as(client, StaffFactory())
    body = client.get("/back-office/adherents/").content.decode()
    assert 'aria-current="page">Adhérents' in body and "Journal d&#x27;audit" in body and "Panier" not in body


def test_error_pages_are_french(client, world):
    """404, 403, CSRF failure and 500 answer with French pages that say what happened and lead back home."""
    from django.core.exceptions import PermissionDenied
    from django.test import Client, RequestFactory
    from django.views.defaults import permission_denied, server_error

    missing = client.get("/cette-page-n-existe-pas/")
    assert missing.status_code == 404
    assert "<title>Page introuvable — Mutualis</title>" in missing.content.decode()

    request = RequestFactory().get("/")
    request.user = world.reader
    refused = permission_denied(request, PermissionDenied())
    assert refused.status_code == 403 and "Accès refusé" in refused.content.decode()

    strict = Client(enforce_csrf_checks=True)
    expired = strict.post("/compte/connexion/", {"username": "x", "password": "y"})
    assert expired.status_code == 403 and "Formulaire expiré" in expired.content.decode()

    crashed = server_error(RequestFactory().get("/"))
    assert crashed.status_code == 500 and "Erreur du service" in crashed.content.decode()
