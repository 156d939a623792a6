"""Setting rates, issuing a year's calls and cancelling a call."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.contributions.choices import CallStatus
from mutualis.contributions.models import ContributionCall, ContributionCallLine, ContributionRate
from mutualis.contributions.services import call_cancel, call_issue_year, rate_set
from mutualis.contributions.tests.factories import (
    CompetenceTransferFactory,
    RateFactory,
    commune_member,
)
from mutualis.core.models import AuditEntry
from mutualis.members.choices import Competence, MemberStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return StaffFactory()


def test_rate_set_creates_then_changes_a_rate_with_an_audit_row(admin):
    """A rate is set per year and competence; each change is audited with its before and after values."""
    rate = rate_set(
        year=2025, competence=Competence.BROADBAND, per_inhabitant="0,30", floor=Decimal("800"), acting_user=admin
    )
    assert (rate.per_inhabitant, rate.floor, rate.set_by) == (Decimal("0.30"), Decimal("800"), admin)
    rate_set(year=2025, competence=Competence.BROADBAND, per_inhabitant="0.32", floor="800", acting_user=admin)
    assert ContributionRate.objects.get().per_inhabitant == Decimal("0.3200")
    entries = list(AuditEntry.objects.filter(action="contribution_rate.set").order_by("seq"))
    assert len(entries) == 2
    assert entries[0].before is None
    assert entries[1].before["per_inhabitant"] == "0.3000"
    assert entries[1].after["per_inhabitant"] == "0.32"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"year": 1999}, "year", "L'année doit être comprise entre 2000 et 2100."),
        ({"year": 2101}, "year", "L'année doit être comprise entre 2000 et 2100."),
        ({"per_inhabitant": "-0.01"}, "per_inhabitant", "Le montant ne peut pas être négatif."),
        ({"floor": "-1"}, "floor", "Le montant ne peut pas être négatif."),
        ({"floor": "abc"}, "floor", "Saisissez un montant valide."),
        ({"competence": "astrology"}, "competence", "Compétence inconnue."),
    ],
)
def test_rate_set_refuses_bad_input_in_french_and_writes_nothing(admin, kwargs, field, message):
    """A year outside 2000–2100, a negative or unreadable amount, an unknown competence: refused, nothing written."""
    values = {"year": 2025, "competence": Competence.BROADBAND, "per_inhabitant": "0.30", "floor": "800"} | kwargs
    with pytest.raises(ValidationError) as exc:
        rate_set(acting_user=admin, **values)
    assert message in exc.value.message_dict[field]
    assert not ContributionRate.objects.exists()
    assert not AuditEntry.objects.exists()


def test_issue_creates_one_call_per_eligible_member_with_numbered_lines(admin):
    """Each active member holding a competence gets one call, numbered COT-<year>-<5 digits>, lines per competence."""
    RateFactory(year=2025, competence=Competence.CENTRAL_PURCHASING, per_inhabitant="0.1500", floor="500")
    RateFactory(year=2025, competence=Competence.BROADBAND, per_inhabitant="0.3000", floor="800")
    big = commune_member(population=12_345, competences=[Competence.CENTRAL_PURCHASING, Competence.BROADBAND])
    small = commune_member(population=1_000)
    commune_member(population=5_000, status=MemberStatus.REQUESTED, activated_at=None)
    commune_member(population=5_000, competences=[])

    calls = call_issue_year(year=2025, acting_user=admin)

    assert sorted(c.member_id for c in calls) == sorted([big.pk, small.pk])
    assert sorted(c.number for c in calls) == ["COT-2025-00001", "COT-2025-00002"]
    big_call = ContributionCall.objects.get(member=big)
    assert [(line.competence, line.amount) for line in big_call.lines.order_by("competence")] == [
        (Competence.BROADBAND, Decimal("3703.50")),
        (Competence.CENTRAL_PURCHASING, Decimal("1851.75")),
    ]
    assert big_call.total == Decimal("5555.25")
    assert big_call.issued_by == admin
    assert ContributionCall.objects.get(member=small).total == Decimal("500.00")
    assert AuditEntry.objects.filter(action="contribution_call.issue").count() == 2


def test_issue_prorates_a_competence_transferred_during_the_year(admin):
    """A competence transferred on 1 July 2025 pays 184/365 of its yearly amount for 2025."""
    RateFactory(year=2025, competence=Competence.BROADBAND, per_inhabitant="0.3650", floor="0")
    member = commune_member(population=10_000, competences=[])
    CompetenceTransferFactory(member=member, competence=Competence.BROADBAND, start_date=datetime.date(2025, 7, 1))
    (call,) = call_issue_year(year=2025, acting_user=admin)
    line = call.lines.get()
    assert (line.days_in_force, line.days_in_year, line.amount) == (184, 365, Decimal("1840.00"))


def test_issuing_twice_gives_the_same_calls(admin):
    """Issuing a year again creates nothing: members that already have a live call are skipped."""
    RateFactory(year=2025)
    commune_member()
    commune_member()
    first = call_issue_year(year=2025, acting_user=admin)
    second = call_issue_year(year=2025, acting_user=admin)
    assert len(first) == 2 and second == []
    assert ContributionCall.objects.count() == 2
    assert ContributionCallLine.objects.count() == 2


def test_a_missing_rate_refuses_the_whole_issue_and_writes_nothing(admin):
    """If a competence held that year has no rate, no call at all is issued, with a French message naming it."""
    RateFactory(year=2025, competence=Competence.CENTRAL_PURCHASING)
    commune_member()
    commune_member(competences=[Competence.CENTRAL_PURCHASING, Competence.VIDEO_PROTECTION])
    with pytest.raises(ValidationError) as exc:
        call_issue_year(year=2025, acting_user=admin)
    assert "aucun taux n'est fixé pour 2025" in exc.value.messages[0]
    assert "Vidéoprotection" in exc.value.messages[0]
    assert not ContributionCall.objects.exists()
    assert not ContributionCallLine.objects.exists()
    assert not AuditEntry.objects.exists()


def test_changing_a_rate_after_issue_leaves_the_issued_call_unchanged(admin):
    """A call keeps the population, rate and floor it was computed with, whatever happens to the rates later."""
    RateFactory(year=2025, per_inhabitant="0.1500", floor="500")
    member = commune_member(population=12_345)
    (call,) = call_issue_year(year=2025, acting_user=admin)
    rate_set(
        year=2025, competence=Competence.CENTRAL_PURCHASING, per_inhabitant="0.90", floor="9000", acting_user=admin
    )
    member.communes.update(population=99_999)
    call.refresh_from_db()
    line = call.lines.get()
    assert (line.population, line.per_inhabitant, line.floor, line.amount) == (
        12_345,
        Decimal("0.1500"),
        Decimal("500.00"),
        Decimal("1851.75"),
    )
    assert call.total == Decimal("1851.75")


def test_cancel_then_reissue_gives_a_new_call_with_current_rates(admin):
    """A cancelled call stays, with its reason; the member then gets a new call with a new number and current rates."""
    RateFactory(year=2025, per_inhabitant="0.1500", floor="500")
    commune_member(population=12_345)
    (first,) = call_issue_year(year=2025, acting_user=admin)
    rate_set(year=2025, competence=Competence.CENTRAL_PURCHASING, per_inhabitant="0.10", floor="500", acting_user=admin)

    call_cancel(call=first, reason="Population erronée", acting_user=admin)
    (second,) = call_issue_year(year=2025, acting_user=admin)

    first.refresh_from_db()
    assert (first.status, first.cancel_reason, first.cancelled_by) == (
        CallStatus.CANCELLED,
        "Population erronée",
        admin,
    )
    assert first.total == Decimal("1851.75")
    assert second.number == "COT-2025-00002"
    assert second.total == Decimal("1234.50")
    cancel = AuditEntry.objects.get(action="contribution_call.cancel")
    assert (cancel.reason, cancel.before["status"], cancel.after["status"]) == (
        "Population erronée",
        "issued",
        "cancelled",
    )


def test_cancel_needs_a_reason_and_an_issued_call(admin):
    """No reason, or a call already cancelled: refused in French, nothing changed."""
    RateFactory(year=2025)
    commune_member()
    (call,) = call_issue_year(year=2025, acting_user=admin)
    with pytest.raises(ValidationError) as exc:
        call_cancel(call=call, reason="  ", acting_user=admin)
    assert exc.value.message_dict["reason"] == ["Indiquez le motif de l'annulation."]
    call.refresh_from_db()
    assert call.status == CallStatus.ISSUED
    call_cancel(call=call, reason="Doublon", acting_user=admin)
    with pytest.raises(ValidationError, match="déjà annulé"):
        call_cancel(call=call, reason="Encore", acting_user=admin)
    assert AuditEntry.objects.filter(action="contribution_call.cancel").count() == 1
