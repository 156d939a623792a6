"""Audit log: append-only, hash-chained, and audit_verify detects any tampering."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from mutualis.core.models import AuditEntry
from mutualis.core.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _drop_triggers():
    """What an attacker with database access would do first; the hash chain must still catch them."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute("DROP TRIGGER core_auditentry_no_delete")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_change ON core_auditentry")


def _three_entries():
    return [
        audit_record(actor=None, action="test.action", object_type="x", object_id=i, after={"n": i}) for i in range(3)
    ]


def test_entries_are_chained():
    """Each entry carries the previous entry's hash; a clean chain verifies."""
    first, second, third = _three_entries()
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert audit_verify() == []
    call_command("audit_verify")


def test_orm_and_database_refuse_updates_and_deletes():
    """The model, the queryset and a database trigger all refuse to change the log."""
    entry = _three_entries()[0]
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'x'")


def test_verify_detects_an_edited_entry():
    """Changing a recorded field is detected."""
    entry = _three_entries()[1]
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_repr = 'forged' WHERE seq = %s", [entry.seq])
    problems = audit_verify()
    assert any("modifié" in p for p in problems)
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_verify_detects_a_deleted_entry():
    """Removing an entry from the middle or the end breaks the chain."""
    entries = _three_entries()
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = %s", [entries[1].seq])
    assert any("supprimée" in p for p in audit_verify())


def test_verify_detects_a_deleted_last_entry():
    """Removing the newest entry is caught by the chain head."""
    entries = _three_entries()
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = %s", [entries[2].seq])
    assert any("Fin de chaîne" in p for p in audit_verify())


def test_verify_detects_an_inserted_entry():
    """A forged entry slipped into the chain, even with a self-consistent hash, breaks the next link."""
    entries = _three_entries()
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET seq = seq + 1 WHERE seq >= %s", [entries[2].seq])
    forged = AuditEntry(
        seq=entries[2].seq,
        created_at=entries[2].created_at,
        actor_label="intrus",
        action="forged",
        object_type="x",
        prev_hash=entries[1].hash,
    )
    forged.hash = forged.compute_hash()
    forged.save()
    assert any("chaînage rompu" in p for p in audit_verify())
