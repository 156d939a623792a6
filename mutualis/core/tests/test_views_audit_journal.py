"""The audit journal (/back-office/journal/) as an inspector searches it: French choices, members by name or SIREN,
a period said wrong when it is, what each entry changed in French, and a CSV export that is itself on record."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.core.tests.builders import record_journal
from mutualis.members.testing import assert_role_matrix

pytestmark = pytest.mark.django_db

URL = "/back-office/journal/"
EXPORT_URL = "/back-office/journal/export.csv"


@pytest.fixture
def journal(world):
    """The world with three entries to search (core.tests.builders.record_journal)."""
    return record_journal(world)


def staff_client(client, world):
    login_as(client, world.staff)
    return client


def test_action_and_object_type_are_chosen_by_their_french_label(client, journal):
    """« Action » and « Type d'objet » are lists of French labels (grouped by app), not codes to type; choosing
    one keeps its entries; the table names the action in French."""
    staff_client(client, journal)
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<optgroup label="Adhérents">' in body
    assert '<option value="member.approved">Adhésion approuvée</option>' in body
    assert '<option value="members.site">Site</option>' in body
    body = client.get(URL, {"action": "member.approved"}).content.decode()
    assert "<td>Adhésion approuvée</td>" in body and journal.member_a.name in body
    assert "Mairie de Boulogne" not in body
    body = client.get(URL, {"object_type": "members.site"}).content.decode()
    assert (
        "Mairie de Boulogne" in body and "<td>Site modifié</td>" in body and "<td>Adhésion approuvée</td>" not in body
    )


def test_an_unknown_choice_is_refused_in_french(client, journal):
    """A code no list offers is refused on the form (HTTP 400, French message), and no entry is listed."""
    staff_client(client, journal)
    response = client.get(URL, {"action": "member.teleported"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in body and "<tbody>" not in body


def test_members_are_searched_by_name_or_siren(client, journal):
    """« Adhérent » takes a name or a SIREN (no internal number to know), keeps that member's entries and names
    the members it kept; the member page's link by number still works."""
    staff_client(client, journal)
    member_a = journal.member_a
    for text in ["versailles", member_a.siren]:
        body = client.get(URL, {"member": text}).content.decode()
        assert "<td>Adhésion approuvée</td>" in body and "Mairie de Boulogne" not in body, text
        assert "Adhérent retenu :" in body and member_a.name in body
    body = client.get(URL, {"member_id": journal.member_b.pk}).content.decode()
    assert "Mairie de Boulogne" in body and "<td>Adhésion approuvée</td>" not in body
    assert journal.member_b.name in body


def test_a_member_matching_nothing_is_said_so(client, journal):
    """A name or SIREN that matches no member is said on the field (400), rather than an empty journal."""
    staff_client(client, journal)
    response = client.get(URL, {"member": "Atlantide"})
    assert response.status_code == 400
    assert "Aucun adhérent ne correspond à « Atlantide »." in response.content.decode()


def test_reversed_dates_are_refused_with_a_french_message(client, journal):
    """« Au » before « Du » cannot match anything: the form says so (400) instead of an empty list."""
    staff_client(client, journal)
    response = client.get(URL, {"date_from": "2025-06-30", "date_to": "2025-01-01"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "La date « Au » (01/01/2025) précède la date « Du » (30/06/2025)" in body
    assert "Aucune entrée ne correspond" not in body and "<tbody>" not in body
    today = datetime.date.today().isoformat()
    response = client.get(URL, {"date_from": today, "date_to": today})
    assert response.status_code == 200 and "<td>Adhésion approuvée</td>" in response.content.decode()


def test_voir_shows_the_changed_fields_in_french(client, journal):
    """« Voir » lists the changed fields with their French labels, before → after, in French values: never a raw
    Python dictionary with English keys."""
    staff_client(client, journal)
    body = client.get(URL).content.decode()
    assert '<th scope="row">Statut</th>' in body
    assert "<td>Adhésion demandée</td>" in body and "<td>Adhésion approuvée</td>" in body
    assert "<td>08/12/2022</td>" in body
    assert '<th scope="row">Nom</th>' in body and "<td>Mairie de Boulogne</td>" in body
    assert "{&#x27;status&#x27;" not in body and "&#x27;name&#x27;:" not in body


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_filtered_journal_is_exported_as_csv_and_the_export_is_on_record(client, journal):
    """Staff export the filtered journal as CSV with French headers and French contents; the export is recorded
    (« Journal d'audit exporté », with its filters and count) and shows up in the next export."""
    staff_client(client, journal)
    response = client.get(EXPORT_URL, {"member": journal.member_b.siren})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="journal-audit-')
    header, *rows = _csv(response)
    assert header[:5] == ["N°", "Date", "Auteur", "Action", "Code de l'action"]
    assert "Modifications" in header and "Empreinte" in header
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["Action"] == "Site modifié" and row["Type d'objet"] == "Site"
    assert "Nom : Hôtel de ville de Boulogne-Billancourt → Mairie de Boulogne" in row["Modifications"]
    export = AuditEntry.objects.get(action="audit_log.export")
    assert export.actor == journal.staff
    assert export.after == {
        "filters": {"member": journal.member_b.siren, "member_ids": [journal.member_b.pk]},
        "entries": 1,
    }

    header, *rows = _csv(client.get(EXPORT_URL))
    actions = [dict(zip(header, row, strict=True))["Action"] for row in rows]
    assert actions[0] == "Journal d'audit exporté" and len(actions) == 4  # the first export, then the three entries


def test_an_export_with_bad_filters_writes_nothing(client, journal):
    """Reversed dates refuse the export with the French message (400), and nothing is recorded."""
    staff_client(client, journal)
    count = AuditEntry.objects.count()
    response = client.get(EXPORT_URL, {"date_from": "2025-06-30", "date_to": "2025-01-01"})
    assert response.status_code == 400 and "précède la date" in response.content.decode()
    assert AuditEntry.objects.count() == count


def test_journal_and_export_are_for_operator_staff_only(journal):
    """Members' users, whatever their role, get 404 on the journal and its export (and write nothing); anonymous
    visitors are sent to the login page."""
    for url in (URL, EXPORT_URL):
        assert_role_matrix(
            journal,
            method="get",
            url=url,
            expected={"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 200},
            state=lambda: AuditEntry.objects.count(),
        )


def test_the_export_link_keeps_the_filters(client, journal):
    """The page's export link carries the filters shown (not the page number)."""
    staff_client(client, journal)
    body = client.get(URL, {"action": "member.approved", "page": "1"}).content.decode()
    assert f'href="{reverse("core:audit_export")}?action=member.approved"' in body
