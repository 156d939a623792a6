"""`audit_diff`: what an audit entry changed, field by field, with French labels and values."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mutualis.core.audit_diff import DiffRow, audit_diff, audit_diffs, diff_text
from mutualis.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NNBSP = "\u202f"


def entry(object_type="", before=None, after=None, **fields):
    """An entry as the journal holds it (not saved: the diff reads only what it records)."""
    return AuditEntry(object_type=object_type, before=before, after=after, action="x", **fields)


def test_a_creation_lists_what_was_recorded_with_french_labels_and_values(world):
    """A creation (only « after ») shows each recorded field under its verbose_name, choices by their label, a
    boolean as Oui, a foreign key by its object's name and number; empty fields and the object's own id are left
    out."""
    site = world.site_a
    rows = audit_diff(
        entry(
            "members.site",
            after={
                "id": site.pk,
                "member_id": world.member_a.pk,
                "name": "Mairie annexe",
                "kind": "town_hall",
                "address": "",
                "latitude": 48.80482,
                "is_active": True,
            },
        )
    )
    assert [(row.label, row.before, row.after) for row in rows] == [
        ("Adhérent", None, f"{world.member_a.name} (n° {world.member_a.pk})"),
        ("Nom", None, "Mairie annexe"),
        ("Nature", None, "Hôtel de ville / mairie"),
        ("Latitude", None, "48,80482"),
        ("En service", None, "Oui"),
    ]


def test_an_update_shows_only_the_fields_that_changed_before_and_after():
    """An update (before and after pictures of the whole object) shows the changed fields only, before → after;
    decimals with a comma, down to the cents but never below the digits that count."""
    before = {"year": 2025, "competence": "central_purchasing", "per_inhabitant": "0.0600", "floor": "180.00"}
    after = before | {"per_inhabitant": "0.0650", "floor": "200.00"}
    rows = audit_diff(entry("contributions.contributionrate", before=before, after=after))
    assert rows == [
        DiffRow("per_inhabitant", "Montant par habitant (€)", "0,06", "0,065"),
        DiffRow("floor", "Plancher (€)", "180,00", "200,00"),
    ]


def test_a_status_transition_names_both_statuses_and_the_new_facts():
    """A member's transition: the status before → after by their French labels, and what only « after » records
    (the deliberation, its date in French, a registered key such as the effective date)."""
    rows = audit_diff(
        entry(
            "members.member",
            before={"status": "requested"},
            after={
                "status": "approved",
                "deliberation_reference": "CS-2022-046",
                "deliberation_date": "2022-12-08",
                "effective_date": "2022-12-15",
            },
        )
    )
    assert rows[0] == DiffRow("status", "Statut", "Adhésion demandée", "Adhésion approuvée")
    assert ("Date de la délibération d'adhésion", None, "08/12/2022") in [(r.label, r.before, r.after) for r in rows]
    assert rows[-1] == DiffRow("effective_date", "Date d'effet", None, "15/12/2022")


def test_unknown_keys_and_object_types_fall_back_to_the_raw_key():
    """A key that is no field of the model (nor registered) keeps its name; an object type that is no model shows
    every key as it is, values still in French (Non, dates and times in Paris, decimals, thousands apart)."""
    rows = audit_diff(
        entry(
            "not.a_model",
            before={"flag": True},
            after={
                "flag": False,
                "when": "2025-06-30",
                "at": "2025-06-30T14:05:00+00:00",
                "amount": "1234.50",
                "count": 12345,
            },
        )
    )
    assert [(r.label, r.before, r.after) for r in rows] == [
        ("flag", "Oui", "Non"),
        ("when", None, "30/06/2025"),
        ("at", None, "30/06/2025 16:05"),  # Paris time
        ("amount", None, f"1{NNBSP}234,50"),
        ("count", None, f"12{NNBSP}345"),
    ]
    rows = audit_diff(entry("members.membership", after={"email": "a@b.fr", "mystery_key": "x"}))
    assert [(r.label, r.after) for r in rows] == [("Adresse électronique", "a@b.fr"), ("mystery_key", "x")]


def test_nested_pictures_and_lists_are_shown_item_by_item():
    """A list (a call's lines, a delivery's serial numbers) gives one item per element; nested pictures of a
    related model are labelled by that model's fields."""
    rows = audit_diff(
        entry(
            "contributions.contributioncall",
            after={"lines": [{"competence": "broadband", "amount": "800.00"}], "status": "issued"},
        )
    )
    assert rows[0].label == "Lignes d'appel de cotisation"
    assert rows[0].after == ["Compétence : Très haut débit ; Montant (€) : 800,00"]
    assert rows[1] == DiffRow("status", "Statut", None, "Émis")
    assert audit_diff(entry(after=["a", "b"])) == [DiffRow("", "Valeur", None, ["a", "b"])]


def test_a_foreign_key_recorded_by_name_and_a_missing_object_stay_readable(world):
    """A foreign key recorded as a name (an asset moved « to Mairie ») is shown as is; one whose object is gone
    shows its number."""
    rows = audit_diff(entry("assets.asset", before={"site": "Ancien site"}, after={"site": 999_999}))
    assert rows == [DiffRow("site", "Site", "Ancien site", "n° 999999")]


def test_related_names_are_fetched_once_per_model_for_a_page(world):
    """A page of entries costs one query per related model, however many entries point to it."""
    entries = [entry("members.site", after={"member_id": m.pk, "name": "S"}) for m in (world.member_a, world.member_b)]
    with CaptureQueriesContext(connection) as queries:
        diffs = audit_diffs(entries * 10)
    assert len(queries.captured_queries) == 1
    assert diffs[1][0].after == f"{world.member_b.name} (n° {world.member_b.pk})"


def test_diff_text_writes_one_line_per_field_for_a_csv_cell():
    """The CSV export writes the rows as « label : before → after », one per line."""
    rows = [DiffRow("status", "Statut", "Brouillon", "Soumise"), DiffRow("item", "Article", None, ["A", "B"])]
    assert diff_text(rows) == "Statut : Brouillon → Soumise\nArticle : A | B"
