"""« Mes sessions »: where the account is signed in (device in plain French, address, last activity, this one
marked), and « Déconnecter les autres sessions » after confirmation."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mutualis.accounts.models import UserSession
from mutualis.accounts.selectors import user_sessions
from mutualis.accounts.signals import ACTIVITY_KEY
from mutualis.accounts.tests.factories import PASSWORD, UserFactory
from mutualis.accounts.useragents import describe_user_agent
from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members.testing import rows

pytestmark = pytest.mark.django_db
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROMIUM_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/131.0 Safari/537.36"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 "
    "Edg/131.0"
)


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (FIREFOX_WINDOWS, "Firefox sur Windows"),
        (CHROMIUM_LINUX, "Chromium sur Linux"),
        (SAFARI_IPHONE, "Safari sur iOS"),
        (EDGE_WINDOWS, "Edge sur Windows"),
        ("curl/8.5.0", "Appareil inconnu"),
        ("", "Appareil inconnu"),
    ],
)
def test_the_device_is_told_in_plain_french(user_agent, device):
    """A user agent becomes « navigateur sur système »; what is not recognised is said so."""
    assert describe_user_agent(user_agent) == device


def _sign_in(user_agent: str, user, address: str = "192.0.2.10") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    response = client.post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_login_records_its_session_and_a_logout_forgets_it():
    """Logging in records the session (device, address); logging out removes it."""
    user = UserFactory()
    client = _sign_in(FIREFOX_WINDOWS, user, "198.51.100.7")
    row = UserSession.objects.get(user=user)
    assert row.session_key == client.session.session_key
    assert (row.user_agent, row.ip_address) == (FIREFOX_WINDOWS, "198.51.100.7")
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(user=user).exists()


def test_the_page_lists_the_sessions_with_this_one_marked():
    """« Mes sessions » shows each session's device and address, this one marked « Cette session » and first."""
    user = UserFactory()
    _sign_in(FIREFOX_WINDOWS, user, "198.51.100.7")
    here = _sign_in(CHROMIUM_LINUX, user, "192.0.2.10")
    response = here.get(reverse("accounts:sessions"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Firefox sur Windows" in body and "198.51.100.7" in body
    assert "Chromium sur Linux" in body and "192.0.2.10" in body
    rows_ = response.context["rows"]
    assert [row.current for row in rows_] == [True, False] and rows_[0].device == "Chromium sur Linux"
    assert "Cette session" in body and "Déconnecter les autres sessions" in body


def test_last_activity_is_written_at_most_once_a_minute():
    """A request within the minute writes nothing; once the minute has passed, the next request moves the last
    activity on."""
    user = UserFactory()
    client = _sign_in(FIREFOX_WINDOWS, user)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    UserSession.objects.filter(user=user).update(last_activity=long_ago)
    client.get(reverse("accounts:profile"))
    assert UserSession.objects.get(user=user).last_activity == long_ago
    session = client.session
    session[ACTIVITY_KEY] = session[ACTIVITY_KEY] - 61
    session.save()
    client.get(reverse("accounts:profile"))
    assert UserSession.objects.get(user=user).last_activity > long_ago


def test_closing_the_other_sessions_asks_first_then_signs_them_out():
    """GET asks for confirmation and changes nothing; POST deletes the other sessions from the store (they are
    signed out) and keeps this one; audited with how many."""
    user = UserFactory()
    first, second = _sign_in(FIREFOX_WINDOWS, user), _sign_in(SAFARI_IPHONE, user)
    here = _sign_in(CHROMIUM_LINUX, user)
    url = reverse("accounts:sessions_close_others")
    before = (rows(UserSession.objects.all()), Session.objects.count())
    page = here.get(url)
    assert page.status_code == 200 and "2 autres sessions seront fermées" in page.content.decode()
    assert (rows(UserSession.objects.all()), Session.objects.count()) == before
    response = here.post(url, follow=True)
    assert "2 autres sessions déconnectées." in response.content.decode()
    for client in (first, second):
        assert client.get(reverse("accounts:profile")).status_code == 302
    assert here.get(reverse("accounts:profile")).status_code == 200
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [here.session.session_key]
    entry = AuditEntry.objects.get(action="user.sessions_closed")
    assert entry.actor == user and entry.after == {"sessions_closed": 2}


def test_one_account_never_sees_or_closes_another_s_sessions():
    """The list and the closing concern the signed-in account only."""
    user, other = UserFactory(), UserFactory()
    others_session = _sign_in(FIREFOX_WINDOWS, other)
    here = _sign_in(CHROMIUM_LINUX, user)
    assert [row.session.user for row in here.get(reverse("accounts:sessions")).context["rows"]] == [user]
    here.post(reverse("accounts:sessions_close_others"))
    assert others_session.get(reverse("accounts:profile")).status_code == 200


def test_expired_or_vanished_sessions_are_not_listed():
    """A session past its expiry, or gone from the session store, is not shown."""
    user = UserFactory()
    gone, expired = _sign_in(FIREFOX_WINDOWS, user), _sign_in(SAFARI_IPHONE, user)
    here = _sign_in(CHROMIUM_LINUX, user)
    Session.objects.filter(session_key=gone.session.session_key).delete()
    UserSession.objects.filter(session_key=expired.session.session_key).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    listed = user_sessions(user=user, current_key=here.session.session_key)
    assert [row.device for row in listed] == ["Chromium sur Linux"]


def test_sessions_pages_need_a_signed_in_account(client):
    """Anonymous visitors are sent to the login page; nothing is closed."""
    for url in (reverse("accounts:sessions"), reverse("accounts:sessions_close_others")):
        assert client.post(url).status_code == 302
    assert not AuditEntry.objects.filter(action="user.sessions_closed").exists()


def test_a_staff_session_must_pass_the_second_factor_before_seeing_its_sessions(client):
    """Operator staff who gave only their password are sent to the TOTP step first."""
    from mutualis.accounts.tests.factories import StaffFactory

    staff = StaffFactory()
    client.post(reverse("accounts:login"), {"email": staff.email, "password": PASSWORD})
    assert client.get(reverse("accounts:sessions"))["Location"] == reverse("accounts:totp_setup")
    login_as(client, staff)
    assert client.get(reverse("accounts:sessions")).status_code == 200


def test_a_login_drops_the_account_s_expired_rows():
    """Rows of sessions already expired are removed when the account next signs in, so the table keeps live ones."""
    user = UserFactory()
    _sign_in(FIREFOX_WINDOWS, user)
    UserSession.objects.filter(user=user).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    here = _sign_in(CHROMIUM_LINUX, user)
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [here.session.session_key]


def test_a_session_signed_in_before_the_record_existed_gets_its_row_on_its_next_minute():
    """A session with no row (signed in before « Mes sessions » existed) is recorded by its next request; a closed
    session's late request records nothing."""
    from mutualis.accounts.services import sessions

    user = UserFactory()
    client = _sign_in(FIREFOX_WINDOWS, user)
    UserSession.objects.all().delete()
    session = client.session
    session[ACTIVITY_KEY] = 0
    session.save()
    client.get(reverse("accounts:profile"))
    assert UserSession.objects.get(user=user).session_key == client.session.session_key
    sessions.session_seen(user=user, session_key="x" * 32, user_agent="", ip_address=None, expires_at=None)
    assert UserSession.objects.count() == 1
