"""core.services.update_audited: the one way an edit service changes a row — all of it audited, or nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mutualis.core.models import AuditEntry, PeriodicSlot
from mutualis.core.services import update_audited

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 22, 0, tzinfo=datetime.UTC)


@pytest.fixture
def slot():
    return PeriodicSlot.objects.create(name="demo.task", next_run_at=T0)


def test_a_change_is_saved_and_audited_before_and_after(slot):
    """The allowed change is saved, `saved` sees the saved row, and the audit holds the row before and after."""
    seen = []
    later = T0 + datetime.timedelta(hours=1)
    row = update_audited(
        slot,
        acting_user=None,
        action="core.test_update",
        changes={"next_run_at": later},
        allowed={"next_run_at"},
        saved=lambda saved: seen.append(PeriodicSlot.objects.get(pk=saved.pk).next_run_at),
    )
    assert PeriodicSlot.objects.get(pk=slot.pk).next_run_at == later == row.next_run_at
    assert seen == [later]
    entry = AuditEntry.objects.get(action="core.test_update")
    assert entry.before["next_run_at"].startswith("2026-03-02 22:00")
    assert entry.after["next_run_at"].startswith("2026-03-02 23:00")


def test_an_unknown_field_is_a_programming_error_and_changes_nothing(slot):
    """A field outside `allowed` raises TypeError naming it; nothing is written or audited."""
    with pytest.raises(TypeError, match="last_run_at"):
        update_audited(slot, acting_user=None, action="core.test_update", changes={"last_run_at": T0}, allowed=())
    assert PeriodicSlot.objects.get(pk=slot.pk).last_run_at is None
    assert not AuditEntry.objects.exists()


def test_a_failed_check_writes_nothing(slot):
    """An error added by `check` (or by the model's own validation) leaves the row and the journal as they were."""

    def check(row, errors):
        errors.add("next_run_at", "Trop tard.")

    with pytest.raises(ValidationError) as caught:
        update_audited(
            slot,
            acting_user=None,
            action="core.test_update",
            changes={"next_run_at": T0 + datetime.timedelta(days=1)},
            allowed={"next_run_at"},
            check=check,
        )
    assert caught.value.message_dict == {"next_run_at": ["Trop tard."]}
    with pytest.raises(ValidationError):
        update_audited(slot, acting_user=None, action="core.test_update", changes={"name": ""}, allowed={"name"})
    assert PeriodicSlot.objects.get(pk=slot.pk).next_run_at == T0
    assert PeriodicSlot.objects.get(pk=slot.pk).name == "demo.task"
    assert not AuditEntry.objects.exists()
