"""Licences under concurrency: two referents assigning at once cannot together pass the subscription's licences.

Runs on PostgreSQL only (CI's second unit run, `.ci/run`): there, two transactions read the assigned count at the
same time, and only the row lock (`select_for_update` on the subscription in `assignment_create`) makes the second
wait for the first. On SQLite the single write lock serialises them anyway, so the test would prove nothing.
Verified: with the lock removed this test fails on PostgreSQL.
"""

import contextlib
import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mutualis.education import rules
from mutualis.education.models import Assignment
from mutualis.education.services import resources as services
from mutualis.education.tests.factories import EstablishmentFactory, SubscriptionFactory
from mutualis.members.testing import build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write transaction, so it cannot show a missing row lock: PostgreSQL only",
    ),
]


def test_two_concurrent_class_assignments_cannot_both_pass_the_licences(monkeypatch):
    """The GAR's rule under concurrency: of two classes of 20 on a 30-licence subscription, exactly one gets them."""
    world = build_world()
    subscription = SubscriptionFactory(establishment=EstablishmentFactory(member=world.member_a), licences=30)
    start = threading.Barrier(2)
    at_the_check = threading.Barrier(2)
    check = rules.assert_licences_available

    def check_together(**counts: int) -> None:
        # Without the lock both meet here having read 0 assigned; with it the second waits, the barrier breaks.
        with contextlib.suppress(threading.BrokenBarrierError):
            at_the_check.wait(timeout=2)
        check(**counts)

    monkeypatch.setattr(rules, "assert_licences_available", check_together)
    outcomes: list[str] = []

    def assign(group: str) -> None:
        start.wait()
        try:
            services.assignment_create(
                subscription=subscription,
                target="class_group",
                class_group=group,
                licences=20,
                acting_user=world.staff,
                today=datetime.date(2026, 1, 15),
            )
            outcomes.append("assigned")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(group,)) for group in ("3A", "3B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["assigned", "refused"]
    assert sum(Assignment.objects.values_list("licences", flat=True)) == 20
