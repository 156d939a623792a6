"""Pages of the contributions back-office and of a member's calls."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from mutualis.contributions.choices import CallStatus
from mutualis.contributions.models import ContributionCall, ContributionRate
from mutualis.contributions.tests.factories import RateFactory, commune_member
from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members.choices import Competence

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, contribution_world):
    return login_as(client, contribution_world.users["administrator"])


def test_call_list_shows_the_year_with_totals_per_competence(admin_client, contribution_world):
    """Staff see every call of the year, totals per competence and overall, and the issue button."""
    response = admin_client.get(reverse("contributions:call_list"), {"year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert contribution_world.call.number in html and contribution_world.other_call.number in html
    totals = response.context["totals"]
    # Versailles: 83,918 × 0.15 = 12,587.70 + 83,918 × 0.30 = 25,175.40; Montrouge: 50,260 × 0.15 = 7,539.00
    assert dict(totals["by_competence"]) == {
        "Centrale d'achat": Decimal("20126.70"),
        "Très haut débit": Decimal("25175.40"),
    }
    assert totals["overall"] == Decimal("45302.10")
    assert "Émettre les appels de cotisation 2025" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "versailles"}, ["Ville de Versailles"]),
        ({"q": "COT-2025-00001"}, ["Ville de Montrouge"]),
        ({"kind": "departement"}, []),
        ({"departement": "78"}, ["Ville de Montrouge", "Ville de Versailles"]),
        ({"status": "cancelled"}, []),
    ],
)
def test_call_list_search_and_filters(admin_client, contribution_world, params, expected):
    """The list is searched by member name, SIREN or number and filtered by département, kind and status."""
    response = admin_client.get(reverse("contributions:call_list"), {"year": 2025, **params})
    assert response.status_code == 200
    assert [call.member.name for call in response.context["page"].object_list] == expected


def test_call_list_search_by_siren(admin_client, contribution_world):
    """Searching a SIREN finds its member's call."""
    response = admin_client.get(
        reverse("contributions:call_list"), {"year": 2025, "q": contribution_world.member.siren}
    )
    assert [c.pk for c in response.context["page"].object_list] == [contribution_world.call.pk]


def test_call_list_with_a_bad_year_answers_400_in_french(admin_client, contribution_world):
    """A year outside 2000–2100 in the query string is a 400 with a French message."""
    response = admin_client.get(reverse("contributions:call_list"), {"year": "1850"})
    assert response.status_code == 400
    assert "Choisissez une année comprise entre 2000 et 2100." in response.content.decode()


def test_csv_export_has_one_row_per_line_in_french_format(admin_client, contribution_world):
    """The export is UTF-8 with BOM, `;`-separated, decimal comma, one row per call line of the filtered year."""
    response = admin_client.get(reverse("contributions:call_export"), {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="cotisations-2025.csv"' in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3
    versailles = [row for row in rows if row["Adhérent"] == "Ville de Versailles"]
    broadband = next(row for row in versailles if row["Compétence"] == "Très haut débit")
    assert broadband == {
        "Numéro": contribution_world.call.number,
        "Année": "2025",
        "Statut": "Émis",
        "Adhérent": "Ville de Versailles",
        "SIREN": contribution_world.member.siren,
        "Département": "78",
        "Compétence": "Très haut débit",
        "Population": "83918",
        "Montant par habitant (€)": "0,3000",
        "Plancher (€)": "800,00",
        "Jours d'exercice": "365",
        "Jours de l'année": "365",
        "Montant (€)": "25175,40",
    }


def test_csv_export_follows_the_list_filters(admin_client, contribution_world):
    """The export holds only the calls the filters select."""
    response = admin_client.get(reverse("contributions:call_export"), {"year": 2025, "q": "Montrouge"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert {row["Adhérent"] for row in rows} == {"Ville de Montrouge"}
    empty = admin_client.get(reverse("contributions:call_export"), {"year": 2024})
    assert empty.content.decode("utf-8-sig").count("\r\n") == 1


def test_issue_page_confirms_before_issuing(admin_client, contribution_world):
    """The issue button leads to a confirmation page; only its POST issues the calls."""
    commune_member(name="Ville de Clamart", population=53_000)
    url = reverse("contributions:call_issue")
    response = admin_client.get(url, {"year": 2025})
    assert response.status_code == 200
    assert "Un appel de cotisation sera émis" in response.content.decode()
    assert ContributionCall.objects.count() == 2
    response = admin_client.post(url, {"year": 2025})
    assert response.status_code == 302
    assert ContributionCall.objects.count() == 3


def test_issue_with_a_missing_rate_shows_the_french_message_and_writes_nothing(admin_client, contribution_world):
    """Issuing a year without its rates is refused with status 400 and the competences to complete."""
    response = admin_client.post(reverse("contributions:call_issue"), {"year": 2026})
    assert response.status_code == 400
    html = response.content.decode()
    assert "aucun taux n&#x27;est fixé pour 2026" in html
    assert "Centrale d&#x27;achat" in html
    assert not ContributionCall.objects.filter(year=2026).exists()


def test_rate_page_saves_a_rate_with_a_decimal_comma(admin_client, contribution_world):
    """An administrator sets a competence's rate for a year from the rate table (decimal comma, spaced thousands)."""
    url = reverse("contributions:rate_list") + "?year=2026"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {"competence": "video_protection", "video_protection-per_inhabitant": "0,6", "video_protection-floor": "2 000"},
    )
    assert response.status_code == 302
    rate = ContributionRate.objects.get(year=2026, competence=Competence.VIDEO_PROTECTION)
    assert (rate.per_inhabitant, rate.floor) == (Decimal("0.6000"), Decimal("2000.00"))


@pytest.mark.parametrize(
    ("per_inhabitant", "floor", "message"),
    [
        ("-0,10", "100", "Le montant ne peut pas être négatif."),
        ("0,10", "", "Ce champ est obligatoire."),
        ("abc", "100", "Saisissez un nombre."),
        ("0,123456", "100", "Assurez-vous qu’il n’y a pas plus de 4 chiffres après la virgule."),
    ],
)
def test_rate_page_rejects_bad_input_with_400_and_writes_nothing(
    admin_client, contribution_world, per_inhabitant, floor, message
):
    """Bad amounts get French messages next to the field, status 400, and no rate is changed."""
    before = list(ContributionRate.objects.values_list("year", "competence", "per_inhabitant", "floor"))
    audit_count = AuditEntry.objects.count()
    response = admin_client.post(
        reverse("contributions:rate_list") + "?year=2025",
        {"competence": "broadband", "broadband-per_inhabitant": per_inhabitant, "broadband-floor": floor},
    )
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert list(ContributionRate.objects.values_list("year", "competence", "per_inhabitant", "floor")) == before
    assert AuditEntry.objects.count() == audit_count


def test_rate_page_rejects_a_year_out_of_range(admin_client, contribution_world):
    """A rate for a year outside 2000–2100 is refused with 400."""
    response = admin_client.post(
        reverse("contributions:rate_list") + "?year=2150",
        {"competence": "broadband", "broadband-per_inhabitant": "0,1", "broadband-floor": "1"},
    )
    assert response.status_code == 400
    assert not ContributionRate.objects.filter(year=2150).exists()


def test_call_detail_is_printable_with_identity_lines_and_total(client, contribution_world):
    """A member's user sees their call: member identity, one line per competence, total; no cancel button."""
    login_as(client, contribution_world.users["reader"])
    response = client.get(reverse("contributions:call_detail", args=[contribution_world.call.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert contribution_world.member.siren in html
    assert "Très haut débit" in html and "Centrale d&#x27;achat" in html
    assert "37\u202f763,10\xa0€" in html
    assert "Confirmer l&#x27;annulation" not in html


def test_administrator_cancels_a_call_with_a_reason(admin_client, contribution_world):
    """Cancelling needs a reason (400 without, nothing changed); with one, the call is cancelled and audited."""
    call = contribution_world.call
    url = reverse("contributions:call_cancel", args=[call.pk])
    response = admin_client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Indiquez le motif de l&#x27;annulation." in response.content.decode()
    call.refresh_from_db()
    assert call.status == CallStatus.ISSUED
    response = admin_client.post(url, {"reason": "Population erronée"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.status, call.cancel_reason) == (CallStatus.CANCELLED, "Population erronée")


def test_member_calls_lists_only_that_members_calls(client, contribution_world):
    """A member's user sees their member's calls, not another member's."""
    login_as(client, contribution_world.users["manager"])
    response = client.get(reverse("contributions:member_calls", args=[contribution_world.member.pk]))
    assert [c.pk for c in response.context["page"].object_list] == [contribution_world.call.pk]
    other = client.get(reverse("contributions:member_calls", args=[contribution_world.other_member.pk]))
    assert other.status_code == 404


def test_another_members_call_answers_404(client, contribution_world):
    """A call of another member is not found, never forbidden."""
    login_as(client, contribution_world.users["other_member"])
    response = client.get(reverse("contributions:call_detail", args=[contribution_world.call.pk]))
    assert response.status_code == 404


def test_empty_year_shows_an_empty_state(admin_client, contribution_world):
    """A year without calls says so."""
    RateFactory(year=2024)
    response = admin_client.get(reverse("contributions:call_list"), {"year": 2024})
    assert "Aucun appel de cotisation ne correspond à ces critères." in response.content.decode()
