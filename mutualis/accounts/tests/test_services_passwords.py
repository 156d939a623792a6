"""Services behind the password pages: a reset request does the same work whatever the address; a reset or a
change closes sessions as it says."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mutualis.accounts.models import UserSession
from mutualis.accounts.services import passwords, sessions
from mutualis.accounts.tests.factories import PASSWORD, UserFactory
from mutualis.core.models import AuditEntry

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Un-autre-mot-de-passe-2026"


def _request_work(email: str, django_capture_on_commit_callbacks) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as callbacks:
        passwords.password_reset_request(email=email)
    return len(queries), len(callbacks)


def test_a_reset_request_does_the_same_work_for_any_address(django_capture_on_commit_callbacks):
    """A known address, an unknown one and a disabled account cost the same queries and queue one e-mail task
    each (which sends only for the known one): nothing in the work tells them apart."""
    UserFactory(email="connue@versailles.fr")
    UserFactory(email="desactivee@versailles.fr", is_active=False)
    _request_work("premiere@versailles.fr", django_capture_on_commit_callbacks)  # the audit chain's head is made once
    known = _request_work("connue@versailles.fr", django_capture_on_commit_callbacks)
    assert known[1] == 1
    assert _request_work("inconnue@versailles.fr", django_capture_on_commit_callbacks) == known
    assert _request_work("desactivee@versailles.fr", django_capture_on_commit_callbacks) == known
    assert AuditEntry.objects.filter(action="user.password_reset_requested").count() == 4


def test_the_e_mail_task_sends_nothing_without_an_active_account(mailoutbox):
    """The queued task finds no account for an unknown address (or a disabled one) and sends nothing."""
    from mutualis.accounts.tasks import send_security_email

    disabled = UserFactory(is_active=False)
    assert send_security_email.call(None, "password_reset", {}) is False
    assert send_security_email.call(disabled.pk, "password_reset", {}) is False
    assert mailoutbox == []


def test_a_reset_closes_every_session_of_the_account():
    """Completing a reset deletes every session of the account from the store, and only that account's."""
    user, other = UserFactory(), UserFactory()
    for account in (user, user, other):
        store = sessions.session_store()
        store.create()
        sessions.session_opened(
            user=account, session_key=store.session_key, user_agent="", ip_address=None, expires_at=None
        )
    passwords.password_reset_complete(user=user, password=NEW_PASSWORD)
    assert not UserSession.objects.filter(user=user).exists()
    assert UserSession.objects.filter(user=other).count() == 1
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)


def test_the_audit_journal_shows_the_new_entries_in_french(client):
    """The journal lists a reset asked for an unknown address and a sessions closing with their French labels."""
    from django.urls import reverse

    from mutualis.accounts.tests.factories import StaffFactory
    from mutualis.core.testing import login_as

    user = UserFactory()
    passwords.password_reset_request(email="inconnue@versailles.fr")
    sessions.user_sessions_close_others(user=user, keep_session_key=None, acting_user=user)
    login_as(client, StaffFactory())
    body = client.get(reverse("core:audit_list")).content.decode()
    assert "Mot de passe oublié : lien demandé" in body and "Autres sessions déconnectées" in body
