"""An asset is never lent twice, also when two officers lend it at the same moment.

Runs on PostgreSQL only (CI's second unit run, `.ci/run`): the asset's row lock (`select_for_update` in
`loan_create`) makes the second loan wait for the first and then find the asset lent. On SQLite the single write
lock serialises them anyway. Without the lock the partial unique constraint would still refuse the second row,
but as a database error rather than the clear French message this test asks for. Verified: with the lock
removed this test fails on PostgreSQL.
"""

import contextlib
import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mutualis.assets.tests.factories import AssetFactory
from mutualis.education import rules
from mutualis.education.models import Loan
from mutualis.education.services import loans as services
from mutualis.education.tests.factories import EstablishmentFactory
from mutualis.members.testing import build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write transaction, so it cannot show a missing row lock: PostgreSQL only",
    ),
]


def test_two_concurrent_loans_of_one_tablet_lend_it_once(monkeypatch):
    """Of two loans of the same tablet started together, one is written and the other refused in French."""
    world = build_world()
    school = EstablishmentFactory(member=world.member_a)
    tablet = AssetFactory(member=world.member_a)
    start = threading.Barrier(2)
    at_the_check = threading.Barrier(2)
    check = rules.assert_lendable_kind

    def check_together(kind: str) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            at_the_check.wait(timeout=2)
        check(kind)

    monkeypatch.setattr(rules, "assert_lendable_kind", check_together)
    outcomes: list[str] = []

    def lend(reference: str) -> None:
        start.wait()
        try:
            services.loan_create(
                asset=tablet,
                beneficiary_kind="pupil",
                beneficiary_reference=reference,
                establishment=school,
                starts_on=datetime.date(2026, 1, 5),
                due_on=datetime.date(2026, 3, 5),
                acting_user=world.staff,
            )
            outcomes.append("lent")
        except ValidationError as exc:
            outcomes.append("refused" if "déjà prêté" in str(exc) else f"other: {exc}")
        except Exception as exc:  # noqa: BLE001 — a database error here is the failure this test looks for
            outcomes.append(f"error: {type(exc).__name__}")
        finally:
            connection.close()

    threads = [threading.Thread(target=lend, args=(ref,)) for ref in ("ELV-aaaaaa", "ELV-bbbbbb")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lent", "refused"]
    assert Loan.objects.filter(asset=tablet).count() == 1
