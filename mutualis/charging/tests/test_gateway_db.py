"""The gateway's database thread: calls committed together, a failing call failing alone."""

import pytest

from mutualis.charging.gateway.db import DbWriter, _attempt_calls, _Deferred
from mutualis.charging.models import ChargePoint
from mutualis.charging.tests.conftest import committed
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


def _vendors(items: list[tuple[int, str]]) -> None:
    for pk, name in items:
        if name == "bad":
            raise ValueError("refused")
        ChargePoint.objects.filter(pk=pk).update(vendor=name)


def _vendor_of(pk: int) -> str:
    return ChargePoint.objects.get(pk=pk).vendor


@pytest.mark.django_db
def test_deferred_writes_are_written_before_the_calls_queued_after_them():
    """Deferred writes handed over before a call are written before it (a StopTransaction never overtakes the
    MeterValues sent before it), set-based: one call of the writer for the items of consecutive hand-overs."""
    point = ChargePointFactory(vendor="")
    seen: list[int] = []

    def _counted(items: list[tuple[int, str]]) -> None:
        seen.append(len(items))
        _vendors(items)

    outcomes = _attempt_calls(
        [
            _Deferred({_counted: [(point.pk, "A")]}),
            _Deferred({_counted: [(point.pk, "B")]}),
            (_vendor_of, (point.pk,), {}, "f1", None),
            _Deferred({_counted: [(point.pk, "C")]}),
        ]
    )
    assert [(future, result) for future, result, _error in outcomes] == [("f1", "B")]
    assert seen == [2, 1]
    assert _vendor_of(point.pk) == "C"


@pytest.mark.django_db
def test_a_failing_deferred_item_loses_only_itself():
    """A deferred item its writer refuses is logged and lost alone: the other items of its lot and the calls of the
    same commit are kept."""
    first, second = ChargePointFactory(vendor=""), ChargePointFactory(vendor="")
    outcomes = _attempt_calls(
        [
            _Deferred({_vendors: [(first.pk, "A"), (second.pk, "bad"), (second.pk, "B")]}),
            (_rename, (first.pk, "A2"), {}, "f1", None),
        ]
    )
    assert [(future, result, error) for future, result, error in outcomes] == [("f1", "A2", None)]
    assert (_vendor_of(first.pk), _vendor_of(second.pk)) == ("A2", "B")


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_call_waits_for_the_commit_of_what_was_deferred_before_it():
    """The writer's thread: deferred items are gathered on the event loop and handed over before any later call,
    so a call's answer means that everything deferred before it is committed; a backlog makes handlers wait."""
    point = await committed(lambda: ChargePointFactory(vendor=""))
    writer = DbWriter(delay=10, max_backlog=1)
    writer.start()
    try:
        writer.defer(_vendors, (point.pk, "A"))
        assert writer.behind() is False
        writer.defer(_vendors, (point.pk, "B"))
        assert writer.behind() is True
        await writer.room()
        assert writer.written == 2
        writer.defer(_vendors, (point.pk, "C"))
        assert await writer.run(_vendor_of, point.pk) == "C"
    finally:
        writer.stop()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_handlers_waiting_for_room_are_all_woken_by_the_thread_catching_up():
    """Handlers held back by a backlog wait on one shared wake-up the database thread gives after its batch (no
    polling): all of them go on once it has caught up, with everything they deferred written; a stopped writer
    holds nobody."""
    import asyncio

    point = await committed(lambda: ChargePointFactory(vendor=""))
    writer = DbWriter(delay=10, max_backlog=2)
    writer.start()
    try:

        async def handler(n: int) -> None:
            writer.defer(_vendors, (point.pk, f"V{n}"))
            if writer.behind():
                await writer.room()

        await asyncio.wait_for(asyncio.gather(*(handler(n) for n in range(20))), 10)
        assert writer.behind() is False
        assert writer._room is None
        assert await writer.run(_vendor_of, point.pk) == "V19"
        assert writer.written == 20
    finally:
        writer.stop()
    writer.defer(_vendors, (point.pk, "late"))
    await asyncio.wait_for(writer.room(), 1)
