"""Numbers a database cannot hold, typed in a URL or a filter, answer 400 or 404 — never 500 — and find nothing.

Found by fuzzing the OpenAPI schema (schemathesis): SQLite raises OverflowError on integers beyond 64 bits.
"""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from mutualis.core.middleware import OverflowGuardMiddleware
from mutualis.core.testing import login_as
from mutualis.core.validation import MAX_ID, parse_id

pytestmark = pytest.mark.django_db

HUGE = "170662331368912174400572900900117413888"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        (42, 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (HUGE, None),
        ("0", None),
        ("-3", None),
        ("1e5", None),
        ("²", None),
        ("٣", None),
        ("", None),
        (None, None),
        ("12a", None),
    ],
)
def test_parse_id(value, expected):
    """Only ASCII digits from 1 to the largest bigint are identifiers."""
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/assets/?member={HUGE}",
        f"/api/v1/assets/?site={HUGE}",
        f"/api/v1/invoices/?member={HUGE}&supplier=2.9e%2B24",
        "/api/v1/sites/?member=-6.768382905632902e%2B115",
        f"/api/v1/orders/{HUGE}/",
        f"/api/v1/members/{HUGE}/",
        f"/api/v1/contribution-calls/?member={HUGE}",
        f"/achats/commandes/{HUGE}/",
        f"/equipements/{HUGE}/",
        f"/equipements/?member={HUGE}&warranty={HUGE}",
        f"/achats/factures/?member={HUGE}",
        "/cotisations/?year=²",
    ],
)
def test_out_of_range_numbers_are_refused_not_crashed(world, url):
    """Each answers 400 (a French field error or message) or 404 to a member manager."""
    client = Client()
    login_as(client, world.manager)
    assert client.get(url).status_code in {200, 400, 404}


def test_the_guard_turns_an_overflow_into_a_400():
    """Should an overflow slip through, the middleware answers 400 (JSON for the API), not 500."""
    guard = OverflowGuardMiddleware(lambda request: HttpResponse())
    api = guard.process_exception(RequestFactory().get("/api/v1/x/"), OverflowError("too large"))
    page = guard.process_exception(RequestFactory().get("/x/"), OverflowError("too large"))
    assert api.status_code == 400 and "hors limites" in api.content.decode()
    assert page.status_code == 400 and "Requête incorrecte" in page.content.decode()
    assert guard.process_exception(RequestFactory().get("/x/"), ValueError("other")) is None
