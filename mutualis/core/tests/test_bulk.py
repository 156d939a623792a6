"""core.bulk: the plain-row writes and reads under the ORM give what the ORM would have, on SQLite and PostgreSQL."""

import datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from mutualis.core.bulk import (
    Compiled,
    add_to_counts,
    among,
    datetime_column,
    db_datetime,
    db_json,
    insert_returning,
    insert_rows,
    list_slot,
    present,
    raw_rows,
    read_datetime,
    read_isoformat,
    rows_among,
    update_rows,
)
from mutualis.core.models import PeriodicSlot
from mutualis.supervision.models import DeviceActivity, Event
from mutualis.supervision.tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 22, 15, 30, 123456, tzinfo=datetime.UTC)
PARIS = datetime.timezone(datetime.timedelta(hours=1))


def test_inserted_rows_read_back_through_the_orm_with_their_datetimes():
    """Rows inserted as tuples (an aware datetime in another offset) read back through the ORM as the same instant."""
    to_db = db_datetime()
    whole = T0.replace(microsecond=0)  # str() leaves out a zero fraction
    insert_rows(
        PeriodicSlot,
        ["name", "next_run_at"],
        [
            ("a", to_db(T0)),
            ("b", to_db(T0.astimezone(PARIS))),
            ("c", to_db(whole)),
            ("d", to_db(whole.astimezone(PARIS))),
        ],
    )
    assert dict(PeriodicSlot.objects.values_list("name", "next_run_at")) == {"a": T0, "b": T0, "c": whole, "d": whole}
    if connection.vendor == "sqlite":  # naive UTC text, as Django's backend stores it
        assert to_db(T0) == "2026-03-02 22:15:30.123456"
        assert to_db(whole) == to_db(whole.astimezone(PARIS)) == "2026-03-02 22:15:30"


def test_insert_returning_gives_the_keys_in_row_order_across_statements(monkeypatch):
    """The keys come back in the order of the rows, also when the rows need several statements."""
    monkeypatch.setattr("mutualis.core.bulk._max_parameters", lambda: 6)  # three rows of two columns a statement
    to_db = db_datetime()
    names = [f"slot-{n}" for n in range(8)]
    keys = insert_returning(PeriodicSlot, ["name", "next_run_at"], [(name, to_db(T0)) for name in names])
    assert [PeriodicSlot.objects.get(pk=pk).name for pk in keys] == names


# Texts an array literal or a statement's quoting must not alter: PostgreSQL receives the batch's values as arrays.
AWKWARD = ['l\'école "Jean Zay"', "a,b", "{x}", "NULL", "back\\slash", "tab\tnewline\n", "  espaces  ", "é€😀", ""]


def test_awkward_texts_are_stored_as_written_by_every_helper():
    """Quotes, commas, braces, « NULL », backslashes, control and non-Latin characters, empty text: inserted, inserted
    returning keys and updated, each text reads back as it was written."""
    to_db = db_datetime()
    insert_rows(PeriodicSlot, ["name", "next_run_at"], [(f"i{n}{text}", to_db(T0)) for n, text in enumerate(AWKWARD)])
    keys = insert_returning(
        PeriodicSlot, ["name", "next_run_at"], [(f"r{n}{text}", to_db(T0)) for n, text in enumerate(AWKWARD)]
    )
    update_rows(
        PeriodicSlot, ["name"], [(f"u{n}{text}", pk) for n, (text, pk) in enumerate(zip(AWKWARD, keys, strict=True))]
    )
    names = set(PeriodicSlot.objects.values_list("name", flat=True))
    assert names == {f"i{n}{t}" for n, t in enumerate(AWKWARD)} | {f"u{n}{t}" for n, t in enumerate(AWKWARD)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL binds values on the server")
def test_batch_statements_send_their_values_apart_from_the_statement():
    """On PostgreSQL the helpers' statements carry placeholders and the values travel apart (bound on the server):
    Django's own cursors write every value into the statement, which psycopg then parses in Python at each call and
    the server parses again — a fifth of a second for a batch of a thousand camera events."""
    to_db = db_datetime()
    with CaptureQueriesContext(connection) as queries:
        insert_rows(PeriodicSlot, ["name", "next_run_at"], [("valeur-témoin-1", to_db(T0))])
        keys = insert_returning(PeriodicSlot, ["name", "next_run_at"], [("valeur-témoin-2", to_db(T0))])
        update_rows(PeriodicSlot, ["name"], [("valeur-témoin-3", keys[0])])
    assert len(queries.captured_queries) == 3
    for query in queries.captured_queries:
        assert "$1" in query["sql"] and "valeur-témoin" not in query["sql"], query["sql"]
    assert PeriodicSlot.objects.filter(name__startswith="valeur-témoin").count() == 2


def test_update_rows_sets_each_rows_own_values_and_nothing_else():
    """Each row gets its own values; rows not named keep theirs."""
    slots = [PeriodicSlot.objects.create(name=f"s{n}", next_run_at=T0) for n in range(3)]
    later = db_datetime()(T0 + datetime.timedelta(hours=1))
    update_rows(PeriodicSlot, ["name", "last_run_at"], [("un", later, slots[0].pk), ("deux", None, slots[1].pk)])
    got = {s.pk: (s.name, s.last_run_at) for s in PeriodicSlot.objects.all()}
    assert got == {
        slots[0].pk: ("un", T0 + datetime.timedelta(hours=1)),
        slots[1].pk: ("deux", None),
        slots[2].pk: ("s2", None),
    }


def test_add_to_counts_creates_new_keys_and_adds_to_existing_ones():
    """A new (device, hour) gets its count; an existing one is added to, not replaced."""
    device, other = DeviceFactory(), DeviceFactory()
    DeviceActivity.objects.create(device=device, hour=T0, count=5)
    to_db = db_datetime()
    add_to_counts(DeviceActivity, ("device", "hour"), "count", [(device.pk, to_db(T0), 3), (other.pk, to_db(T0), 2)])
    assert dict(DeviceActivity.objects.values_list("device_id", "count")) == {device.pk: 8, other.pk: 2}


def test_among_and_rows_among_select_exactly_the_listed_values():
    """`among` matches the listed values; `rows_among` the listed (integer, text) pairs, not their crossings."""
    a = DeviceFactory(name="A")
    b = DeviceFactory(name="B", protected_site=a.protected_site)
    elsewhere = DeviceFactory(name="A")
    model = type(a)
    assert set(model.objects.filter(name__in=among(["A", "Z"])).values_list("pk", flat=True)) == {a.pk, elsewhere.pk}
    assert set(model.objects.filter(pk__in=among([b.pk, 0], integers=True)).values_list("pk", flat=True)) == {b.pk}
    wanted = [(a.protected_site_id, "A"), (elsewhere.protected_site_id, "B")]
    assert set(
        model.objects.filter(rows_among(model, ("protected_site", "name"), wanted)).values_list("pk", flat=True)
    ) == {a.pk}


def test_rows_among_on_a_single_text_column():
    """`rows_among` on one text column (each key a 1-tuple, the column's own type on PostgreSQL): exactly the listed
    values."""
    a, b = DeviceFactory(name="Porte nord"), DeviceFactory(name="Parvis")
    DeviceFactory(name="Préau")
    model = type(a)
    keys = [("Porte nord",), ("Parvis",), ("absent",)]
    assert set(model.objects.filter(rows_among(model, ("name",), keys)).values_list("pk", flat=True)) == {a.pk, b.pk}


def test_rows_among_narrows_on_allowed_values_and_a_lowest_value():
    """`also` keeps the rows whose next column is allowed, `at_least` those whose last column is at least the bound."""
    device = DeviceFactory(name="A")
    model = type(device)
    model.objects.filter(pk=device.pk).update(last_event_at=T0)
    key = [(device.protected_site_id, "A")]

    def found(**options: Any) -> bool:
        return model.objects.filter(rows_among(model, ("protected_site", "name"), key, **options)).exists()

    to_db = db_datetime()
    assert found(also=("kind", [device.kind]), at_least=("last_event_at", to_db(T0)))
    assert not found(also=("kind", ["nvr-not-this"]))
    assert not found(at_least=("last_event_at", to_db(T0 + datetime.timedelta(seconds=1))))


def test_present_names_the_values_stored_for_the_fixed_columns_only():
    """`present` gives back the listed ids that rows hold for the given source, not another source's, not the ids
    no row holds; an empty list asks nothing. On PostgreSQL each value is a probe of its own (LATERAL)."""
    device, other = DeviceFactory(), DeviceFactory()
    to_db = db_datetime()
    columns = ["source", "source_event_id", "device", "kind", "occurred_at", "received_at", "severity", "zone",
               "snapshot_url", "data"]  # fmt: skip
    rows = [(d.source_id, event_id, d.pk, "motion", to_db(T0), to_db(T0), "", "", "", db_json(Event, "data")({}))
            for d, event_id in ((device, "a"), (device, "l'été, « b »"), (other, "c"))]  # fmt: skip
    insert_rows(Event, columns, rows)
    with CaptureQueriesContext(connection) as queries:
        found = present(Event, "source_event_id", ["a", "l'été, « b »", "c", "z"], source=device.source_id)
    assert found == {"a", "l'été, « b »"}
    assert present(Event, "source_event_id", ["c"], source=other.source_id) == {"c"}
    assert present(Event, "source_event_id", [], source=device.source_id) == set()
    if connection.vendor == "postgresql":
        assert "LATERAL" in queries.captured_queries[0]["sql"]


def test_db_json_stores_what_the_field_reads_back_and_refuses_what_json_cannot_hold():
    """A JSON field's value prepared by db_json and written with insert_rows reads back equal through the ORM
    (accents, nesting, null); a value JSON cannot hold is a TypeError, as with the standard encoder."""
    device = DeviceFactory()
    value = {"zones": ["préau", "cour"], "nested": {"n": 3, "ok": True, "none": None}, "ratio": 0.5}
    to_json, to_db = db_json(Event, "data"), db_datetime()
    columns = ["source", "source_event_id", "device", "kind", "occurred_at", "received_at", "severity", "zone",
               "snapshot_url", "data"]  # fmt: skip

    def insert(event_id: str, data: Any) -> None:
        row = (device.source_id, event_id, device.pk, "motion", to_db(T0), to_db(T0), "", "", "", to_json(data))
        insert_rows(Event, columns, [row])

    insert("json-1", value)
    assert Event.objects.get(source_event_id="json-1").data == value
    with pytest.raises(TypeError), transaction.atomic():  # PostgreSQL's adapter encodes when the row is written
        insert("json-2", {"when": object()})
    assert not Event.objects.filter(source_event_id="json-2").exists()


@pytest.mark.parametrize(
    "value",
    [
        T0,
        T0.replace(microsecond=0),  # no fraction: written without one, as Django does
        T0.replace(year=999, microsecond=7),
        T0.astimezone(PARIS),
        None,
    ],
)
def test_db_datetime_is_what_django_writes_for_the_column(value):
    """The fast conversion (orjson's text for UTC values) stores exactly what the ORM would, so that the ORM's
    comparisons and orderings on the column hold for rows written either way."""
    field = Event._meta.get_field("occurred_at")
    assert db_datetime()(value) == field.get_db_prep_save(value, connection)


def test_raw_rows_read_back_to_aware_datetimes():
    """raw_rows skips the ORM's converters; read_datetime gives the aware datetime the ORM would have."""
    PeriodicSlot.objects.create(name="x", next_run_at=T0)
    [(name, value)] = raw_rows(PeriodicSlot.objects.values_list("name", "next_run_at"))
    assert (name, read_datetime()(value)) == ("x", T0)


@pytest.mark.parametrize("value", [T0, T0.replace(microsecond=0), datetime.datetime(2026, 7, 1, 23, 30, tzinfo=PARIS)])
def test_read_isoformat_gives_the_aware_datetimes_iso_text(value):
    """read_isoformat turns a raw datetime column (SQLite's UTC text, whole seconds or not; PostgreSQL's datetime)
    into what the ORM's datetime would write with isoformat(), in UTC; none stays none."""
    PeriodicSlot.objects.create(name="x", next_run_at=value)
    as_text = raw_rows(PeriodicSlot.objects.annotate(at=datetime_column("next_run_at")).values_list("at"))
    plain = raw_rows(PeriodicSlot.objects.values_list("next_run_at"))
    expected = value.astimezone(datetime.UTC).isoformat()
    assert [read_isoformat()(v) for (v,) in as_text + plain] == [expected, expected]
    assert read_isoformat()(None) is None


def test_compiled_query_runs_again_with_new_values():
    """A Compiled query is built once and gives, for each call's values, what the queryset would have."""
    a = DeviceFactory(name="A")
    b = DeviceFactory(name="B", protected_site=a.protected_site)
    model = type(a)
    builds = []

    def build(site, names, ids):
        builds.append(site)
        return model.objects.filter(
            protected_site_id=site, name__among=list_slot(names), pk__among=list_slot(ids)
        ).values_list("pk")

    query = Compiled(build, 3)
    assert sorted(query.rows(a.protected_site_id, ["A", "B"], [a.pk, b.pk])) == sorted([(a.pk,), (b.pk,)])
    assert query.rows(a.protected_site_id, ["B"], [a.pk, b.pk]) == [(b.pk,)]
    assert query.rows(a.protected_site_id, ["A"], [b.pk]) == []
    assert query.rows(0, ["A"], [a.pk]) == []
    assert len(builds) == 1


def test_among_lookup_selects_the_listed_keys_in_a_form_each_planner_counts():
    """`pk__among=` matches exactly the listed keys (none for an empty list), as a queryset and as a Compiled slot;
    on PostgreSQL as `= ANY(array)`, whose length the planner sees (`IN (SELECT unnest(…))` it guessed at a
    hundred rows, and chose to scan every alarm)."""
    a, b, c = DeviceFactory(), DeviceFactory(), DeviceFactory()
    model = type(a)
    with CaptureQueriesContext(connection) as queries:
        assert set(model.objects.filter(pk__among=[a.pk, c.pk, 0]).values_list("pk", flat=True)) == {a.pk, c.pk}
    assert not model.objects.filter(pk__among=[]).exists()
    on_key = model.objects.filter(protected_site_id__among=[b.protected_site_id]).values_list("pk", flat=True)
    assert set(on_key) == {b.pk}  # a foreign key's column
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries.captured_queries[0]["sql"]
    query = Compiled(lambda ids: model.objects.filter(pk__among=list_slot(ids)).values_list("pk"), 1)
    assert sorted(query.rows([b.pk, c.pk])) == [(b.pk,), (c.pk,)]
    assert query.rows([a.pk]) == [(a.pk,)]
    assert query.rows([]) == []


def test_compiled_query_refuses_a_build_that_drops_a_mark():
    """A build that leaves out one of its marks is refused when first run, not run with values in the wrong place."""
    model = type(DeviceFactory())
    query = Compiled(lambda site, names: model.objects.filter(protected_site_id=site).values_list("pk"), 2)
    with pytest.raises(AssertionError):
        query.rows(1, ["A"])
