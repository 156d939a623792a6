"""The audit chain seals every recorded field: tampering with any one of them, forging the last entry or deleting
entries is named by audit_verify; the log refuses changes through the ORM and in the database (SQLite and
PostgreSQL); the actor and the audit context (address, user agent, request id) are recorded and sealed.

test_services_audit.py has the basic chain, insertion and deletion tests; these pin what mutation testing found unproven
(docs/mutation.md)."""

import datetime
import hashlib
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from mutualis.accounts.tests.factories import PASSWORD, UserFactory
from mutualis.core.context import audit_context
from mutualis.core.models import AuditChainHead, AuditEntry
from mutualis.core.services import audit_record, audit_verify
from mutualis.core.tests.test_services_audit import _drop_triggers

pytestmark = pytest.mark.django_db

CONTEXT = {"ip_address": "203.0.113.7", "user_agent": "Firefox/140.0", "request_id": "req-0001"}
APPEND_ONLY = r"^Le journal d'audit est en ajout seul\.$"


def _chain(actor=None, **context):
    """Three entries with every field set (the audit context too), so that any edit changes something."""
    with audit_context(**(context or CONTEXT)):
        return [
            audit_record(
                actor=actor,
                action="test.action",
                object_type="x",
                object_id=i + 1,
                object_repr=f"objet {i + 1}",
                member_id=10 + i,
                before={"n": i},
                after={"n": i + 1},
                reason=f"motif {i + 1}",
            )
            for i in range(3)
        ]


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _set(seq, column, value):
    """Edit one column of one entry in SQL, as someone with database access would (triggers lifted first)."""
    _sql(f"UPDATE core_auditentry SET {connection.ops.quote_name(column)} = %s WHERE seq = %s", [value, seq])


def _edited(seq):
    return f"Entrée n° {seq} : contenu modifié après écriture."


# Each hashed column with another value written straight into the database ("before"/"after" as JSON text).
TAMPERING = [
    ("created_at", "2001-02-03 04:05:06"),
    ("actor_id", 999_999),
    ("actor_label", "intrus"),
    ("action", "forged"),
    ("object_type", "y"),
    ("object_id", "99"),
    ("object_repr", "forged"),
    ("member_id", 999),
    ("before", '{"n": 99}'),
    ("after", '{"n": 99}'),
    ("reason", "autre motif"),
    ("ip_address", "198.51.100.9"),
    ("user_agent", "curl/8.0"),
    ("request_id", "req-forged"),
]


@pytest.mark.parametrize(("column", "value"), TAMPERING, ids=[column for column, _ in TAMPERING])
def test_editing_any_hashed_field_is_named(column, value):
    """Every recorded field is sealed by the entry's hash: editing one in the database is reported for that entry
    and only it (the chain around it still holds)."""
    actor = UserFactory()
    _chain(actor=actor)
    _drop_triggers()
    _set(2, column, value)
    assert audit_verify() == [_edited(2)]


def test_editing_the_previous_hash_is_named_twice():
    """The link to the previous entry is sealed too: rewriting it breaks the chain and the entry's own hash."""
    _chain()
    _drop_triggers()
    _set(2, "prev_hash", "f" * 64)
    assert audit_verify() == [
        "Entrée n° 2 : chaînage rompu (entrée précédente modifiée ou insérée).",
        _edited(2),
    ]


def test_renumbering_the_last_entry_is_named():
    """The sequence number is sealed: an entry moved to another number (chain head moved with it) is reported."""
    _chain()
    _drop_triggers()
    _set(3, "seq", 4)
    AuditChainHead.objects.filter(id=1).update(last_seq=4)
    assert audit_verify() == ["Entrée(s) n° 3 à 3 supprimée(s) ou renumérotée(s).", _edited(4)]


@pytest.mark.parametrize("column", ["user_agent", "request_id"])
def test_context_added_to_an_entry_written_without_it_is_named(column):
    """An entry written without user agent or request id hashes without them; writing one in later is reported."""
    audit_record(actor=None, action="test.action")
    entry = AuditEntry.objects.get()
    assert getattr(entry, column) is None
    assert column not in json.loads(entry.hash_payload())
    _drop_triggers()
    _set(1, column, "ajouté")
    assert audit_verify() == [_edited(1)]


def test_a_forged_last_entry_with_its_hash_recomputed_is_caught_by_the_head():
    """Rewriting the newest entry and recomputing its hash leaves a self-consistent chain: the chain head, which
    keeps the last hash, still tells."""
    last = _chain()[-1]
    last.action = "forged"
    forged_hash = last.compute_hash()
    _drop_triggers()
    _sql("UPDATE core_auditentry SET action = %s, hash = %s WHERE seq = %s", ["forged", forged_hash, last.seq])
    assert audit_verify() == ["Fin de chaîne : 3 entrée(s) attendue(s), 3 trouvée(s)."]


def test_deleted_middle_entries_are_named():
    """Deleting entries from the middle names the missing numbers and the entry whose link broke."""
    audit_record(actor=None, action="test.first")
    _chain()
    _drop_triggers()
    _sql("DELETE FROM core_auditentry WHERE seq IN (2, 3)")
    assert audit_verify() == [
        "Entrée(s) n° 2 à 3 supprimée(s) ou renumérotée(s).",
        "Entrée n° 4 : chaînage rompu (entrée précédente modifiée ou insérée).",
    ]


def test_a_deleted_last_entry_is_counted_by_the_head():
    """Deleting the newest entry leaves a valid-looking chain: the head reports how many entries are missing."""
    _chain()
    _drop_triggers()
    _sql("DELETE FROM core_auditentry WHERE seq = 3")
    assert audit_verify() == ["Fin de chaîne : 3 entrée(s) attendue(s), 2 trouvée(s)."]


def test_an_empty_log_verifies():
    """A log with no entry yet (no chain head either) has nothing to report."""
    assert not AuditChainHead.objects.exists()
    assert audit_verify() == []


def _entry(**fields):
    values = {
        "seq": 7,
        "created_at": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        "actor_label": "système",
        "action": "member.update",
        "object_type": "members.member",
        "object_id": "42",
        "object_repr": "Commune d'Élancourt",
        "member_id": 42,
        "before": {"name": "Élancourt", "population": 25000},
        "after": {"name": "Commune d'Élancourt", "population": 25000},
        "reason": "",
        "ip_address": "203.0.113.7",
        "prev_hash": "0" * 64,
    }
    return AuditEntry(**(values | fields))


def test_the_sealed_text_is_fixed():
    """The text an entry's hash is computed on is canonical and never changes between versions (stored entries
    must still verify after an upgrade): every field, keys sorted, no spaces, accents kept, the context fields
    only when set."""
    entry = _entry()
    expected = (
        '{"action":"member.update","actor_id":null,"actor_label":"système",'
        '"after":{"name":"Commune d\'Élancourt","population":25000},'
        '"before":{"name":"Élancourt","population":25000},"created_at":"2026-01-02T03:04:05+00:00",'
        '"ip_address":"203.0.113.7","member_id":42,"object_id":"42","object_repr":"Commune d\'Élancourt",'
        '"object_type":"members.member","prev_hash":"' + "0" * 64 + '","reason":"","seq":7}'
    )
    assert entry.hash_payload() == expected
    assert entry.compute_hash() == hashlib.sha256(expected.encode()).hexdigest()
    assert entry.compute_hash() == "39d37098aef1b165c9fba5a6650052615de2e732e87e75db131ca1cdbaa17be9"
    with_context = _entry(user_agent="Firefox/140.0", request_id="req-0001")
    assert with_context.hash_payload() == expected.replace(
        '"reason":"",', '"reason":"","request_id":"req-0001",'
    ).replace('"seq":7}', '"seq":7,"user_agent":"Firefox/140.0"}')


def test_json_key_order_does_not_change_the_hash_but_a_value_does():
    """before/after hash the same whatever their key order (PostgreSQL's jsonb reorders keys on storage), and
    differently as soon as a value changes."""
    sorted_keys = _entry(before={"a": 1, "b": {"x": 1, "y": 2}}, after={"aa": 1, "b": 2})
    other_order = _entry(before={"b": {"y": 2, "x": 1}, "a": 1}, after={"b": 2, "aa": 1})
    changed = _entry(before={"b": {"y": 2, "x": 3}, "a": 1}, after={"b": 2, "aa": 1})
    assert other_order.compute_hash() == sorted_keys.compute_hash()
    assert changed.compute_hash() != sorted_keys.compute_hash()


def test_an_entry_reloaded_from_the_database_still_verifies():
    """What is stored is what was hashed: keys in any order (jsonb sorts them by length), decimals and dates
    (stored as text) come back hashing the same."""
    entry = audit_record(
        actor=None,
        action="test.action",
        before={"bb": 1, "a": Decimal("12.50"), "ccc": {"z": 1, "y": 2}},
        after={"amount": Decimal("12.50"), "day": datetime.date(2026, 3, 1)},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.before == {"a": "12.50", "bb": 1, "ccc": {"y": 2, "z": 1}}
    assert stored.after == {"amount": "12.50", "day": "2026-03-01"}
    assert stored.compute_hash() == entry.hash
    assert audit_verify() == []


def test_the_actor_of_a_signed_in_user_is_recorded():
    """An action by a signed-in user names that account and its label, never « système »."""
    user = UserFactory(first_name="Anne", last_name="Durand")
    entry = audit_record(actor=user, action="test.action")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.actor_label) == (user.pk, "Anne Durand")


@pytest.mark.parametrize("actor", [None, AnonymousUser(), object()], ids=["none", "anonymous", "not-an-account"])
def test_an_actor_that_is_not_a_signed_in_user_is_the_system(actor):
    """An action without a signed-in user (task, command, anonymous visitor) is recorded as « système »."""
    entry = audit_record(actor=actor, action="test.action")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.actor_label) == (None, "système")


def test_the_object_is_described_from_the_model_unless_told():
    """Given a model instance, the entry names its type, id and text; explicit values win; the text is cut to the
    column's 255 characters; with no object the id is empty."""
    user = UserFactory(first_name="Anne", last_name="Durand")
    entry = audit_record(actor=None, action="test.action", obj=user)
    assert (entry.object_type, entry.object_id, entry.object_repr) == ("accounts.user", str(user.pk), "Anne Durand")
    entry = audit_record(
        actor=None, action="test.action", obj=user, object_type="t", object_id=7, object_repr="r" * 300
    )
    assert (entry.object_type, entry.object_id, entry.object_repr) == ("t", "7", "r" * 255)
    entry = audit_record(actor=None, action="test.action")
    assert (entry.object_type, entry.object_id, entry.object_repr) == ("", "", "")
    assert audit_verify() == []


def test_what_the_caller_gives_is_stored():
    """The member concerned, the reason and the before/after pictures are stored as given; without them the
    entry says nothing (no member, empty reason, no pictures)."""
    entry = audit_record(
        actor=None, action="test.action", member_id=12, before={"n": 1}, after={"n": 2}, reason="Demande du maire"
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.member_id, stored.before, stored.after, stored.reason) == (
        12,
        {"n": 1},
        {"n": 2},
        "Demande du maire",
    )
    bare = AuditEntry.objects.get(pk=audit_record(actor=None, action="test.action").pk)
    assert (bare.member_id, bare.before, bare.after, bare.reason) == (None, None, None, "")


def test_the_audit_context_is_stored_and_sealed():
    """Address, user agent and request id of the audit context are stored on the entry and enter its hash."""
    entry = _chain()[0]
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.ip_address, stored.user_agent, stored.request_id) == ("203.0.113.7", "Firefox/140.0", "req-0001")
    payload = json.loads(stored.hash_payload())
    assert (payload["ip_address"], payload["user_agent"], payload["request_id"]) == (
        "203.0.113.7",
        "Firefox/140.0",
        "req-0001",
    )


def test_outside_any_context_nothing_is_invented():
    """Without a request, task or command context the entry has no address, user agent or request id."""
    entry = audit_record(actor=None, action="test.action")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.ip_address, stored.user_agent, stored.request_id) == (None, None, None)


def test_a_web_login_records_who_and_from_where(client):
    """Signing in through the login page records the account, its address, user agent and the request id the
    response quotes."""
    user = UserFactory(first_name="Anne", last_name="Durand")
    response = client.post(
        reverse("accounts:login"),
        {"email": user.email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
        HTTP_USER_AGENT="Navigateur de test",
        HTTP_X_REQUEST_ID="demande-42",
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "demande-42"
    entry = AuditEntry.objects.get(action="user.login")
    assert (entry.actor_id, entry.actor_label) == (user.pk, "Anne Durand")
    assert (entry.ip_address, entry.user_agent, entry.request_id) == (
        "198.51.100.20",
        "Navigateur de test",
        "demande-42",
    )
    assert audit_verify() == []


def _refusals():
    entry = AuditEntry.objects.get(seq=2)
    return {
        "queryset-update": lambda: AuditEntry.objects.filter(seq=2).update(action="forged"),
        "queryset-delete": lambda: AuditEntry.objects.filter(seq=2).delete(),
        "entry-save": lambda: (setattr(entry, "action", "forged"), entry.save()),
        "entry-delete": lambda: entry.delete(),
    }


@pytest.mark.parametrize("attempt", ["queryset-update", "queryset-delete", "entry-save", "entry-delete"])
def test_the_orm_refuses_to_change_the_log(attempt):
    """The queryset's update() and delete(), an existing entry's save() and delete() all refuse, saying why, and
    leave the log as it was."""
    _chain()
    before = list(AuditEntry.objects.order_by("seq").values())
    with pytest.raises(PermissionError, match=APPEND_ONLY):
        _refusals()[attempt]()
    assert list(AuditEntry.objects.order_by("seq").values()) == before
    assert audit_verify() == []


@pytest.mark.parametrize(
    "statement",
    ["UPDATE core_auditentry SET action = 'forged' WHERE seq = 2", "DELETE FROM core_auditentry WHERE seq = 2"],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_the_log(statement):
    """Whatever client writes to the database, its trigger (SQLite or PostgreSQL) refuses UPDATE and DELETE on the
    log, and the entry stays as it was."""
    assert connection.vendor in {"sqlite", "postgresql"}
    _chain()
    before = list(AuditEntry.objects.order_by("seq").values())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql(statement)
    assert list(AuditEntry.objects.order_by("seq").values()) == before
    assert audit_verify() == []
