"""The gateway's database thread: calls committed together, a failing call failing alone."""

import pytest

from mutualis.charging.gateway.db import _attempt_calls
from mutualis.charging.models import ChargePoint
from mutualis.charging.tests.factories import ChargePointFactory


def _rename(pk: int, name: str) -> str:
    ChargePoint.objects.filter(pk=pk).update(vendor=name)
    return name


def _rename_then_fail(pk: int, name: str) -> None:
    ChargePoint.objects.filter(pk=pk).update(vendor=name)
    raise ValueError("refused")


@pytest.mark.django_db
def test_a_failing_call_fails_alone_and_its_writes_are_undone():
    """In a batch, a call that raises gets its own error and its writes are rolled back; the other calls of the same
    commit are kept and get their results."""
    first, second, third = ChargePointFactory(vendor=""), ChargePointFactory(vendor=""), ChargePointFactory(vendor="")
    outcomes = _attempt_calls(
        [
            (_rename, (first.pk, "A"), {}, "f1", None),
            (_rename_then_fail, (second.pk, "B"), {}, "f2", None),
            (_rename, (third.pk, "C"), {}, "f3", None),
        ]
    )
    assert [(future, result) for future, result, _error in outcomes] == [("f1", "A"), ("f2", None), ("f3", "C")]
    assert isinstance(outcomes[1][2], ValueError)
    assert outcomes[0][2] is None and outcomes[2][2] is None
    vendors = dict(ChargePoint.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("pk", "vendor"))
    assert vendors == {first.pk: "A", second.pk: "", third.pk: "C"}


@pytest.mark.django_db
def test_calls_that_all_succeed_are_committed_together():
    """A batch whose calls all succeed keeps every call's writes and result."""
    point = ChargePointFactory(vendor="")
    outcomes = _attempt_calls([(_rename, (point.pk, "X"), {}, "f1", None), (_rename, (point.pk, "Y"), {}, "f2", None)])
    assert [(result, error) for _future, result, error in outcomes] == [("X", None), ("Y", None)]
    point.refresh_from_db()
    assert point.vendor == "Y"
