"""The rules a contribution call is computed from."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from mutualis.contributions.services import (
    competence_days_in_force,
    contribution_amount,
    days_in_year,
    member_was_active_during,
    population_basis,
)
from mutualis.contributions.tests.factories import (
    CommuneFactory,
    CompetenceTransferFactory,
    DepartementFactory,
    IntercommunalityFactory,
    MemberFactory,
)
from mutualis.members.choices import Competence, MemberKind, MemberStatus

pytestmark = pytest.mark.django_db


def aware(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 12))


def test_commune_population_basis_is_its_municipal_population():
    """A commune contributes on its municipal population."""
    member = MemberFactory(kind=MemberKind.COMMUNE, communes=[CommuneFactory(population=12_345)])
    assert population_basis(member) == 12_345


def test_departement_population_basis_is_the_sum_of_its_communes():
    """A département contributes on the sum of its communes' populations (and only its own communes)."""
    yvelines = DepartementFactory(code="78")
    hauts_de_seine = DepartementFactory(code="92", name="Hauts-de-Seine")
    CommuneFactory(departement=yvelines, population=1_000)
    CommuneFactory(departement=yvelines, population=2_500)
    CommuneFactory(departement=hauts_de_seine, population=99_000)
    member = MemberFactory(kind=MemberKind.DEPARTEMENT, departement=yvelines)
    assert population_basis(member) == 3_500


def test_intercommunality_population_basis_is_its_population():
    """An EPCI or EPT contributes on its own total population."""
    epci = IntercommunalityFactory(population=228_000)
    member = MemberFactory(kind=MemberKind.INTERCOMMUNALITY, intercommunality=epci)
    assert population_basis(member) == 228_000


@pytest.mark.parametrize("kind", [MemberKind.PUBLIC_ESTABLISHMENT, MemberKind.OTHER_PUBLIC_BODY])
def test_establishments_and_other_bodies_have_no_population_so_the_floor_applies(kind):
    """A public establishment or other public body has a population basis of 0, even when linked to a commune."""
    member = MemberFactory(kind=kind, communes=[CommuneFactory(population=50_000)])
    assert population_basis(member) == 0
    assert contribution_amount(0, Decimal("0.30"), Decimal("800.00"), 365, 365) == Decimal("800.00")


def test_amount_is_population_times_rate_above_the_floor():
    """The yearly contribution is population × rate when that exceeds the floor."""
    assert contribution_amount(12_345, Decimal("0.1500"), Decimal("500.00"), 365, 365) == Decimal("1851.75")


def test_amount_is_the_floor_when_population_times_rate_is_lower():
    """The floor applies when population × rate is below it."""
    assert contribution_amount(1_000, Decimal("0.1500"), Decimal("500.00"), 365, 365) == Decimal("500.00")


def test_amount_is_prorated_by_days_in_force():
    """A competence held part of the year pays that share of the yearly amount (floor included)."""
    assert contribution_amount(10_000, Decimal("0.1000"), Decimal("0"), 73, 365) == Decimal("200.00")
    assert contribution_amount(0, Decimal("0.1000"), Decimal("730.00"), 100, 365) == Decimal("200.00")
    assert contribution_amount(10_000, Decimal("0.1000"), Decimal("0"), 0, 365) == Decimal("0.00")


def test_amount_is_rounded_half_up_to_the_cent():
    """The amount is rounded to the cent, halves upwards (1 × 0.0050 € → 0.01 €, not banker's 0.00 €)."""
    assert contribution_amount(1, Decimal("0.0050"), Decimal("0"), 365, 365) == Decimal("0.01")
    assert contribution_amount(3, Decimal("0.0050"), Decimal("0"), 365, 365) == Decimal("0.02")
    # 1,000 € over 365 days, held 1 day: 2.7397… → 2.74
    assert contribution_amount(0, Decimal("0"), Decimal("1000.00"), 1, 365) == Decimal("2.74")


def test_leap_years_have_366_days():
    """Prorata uses the real length of the year."""
    assert days_in_year(2024) == 366
    assert days_in_year(2025) == 365
    assert days_in_year(2100) == 365


def test_days_in_force_count_start_and_end_dates_within_the_year():
    """Days in force run from the transfer's start to its end date, both included, clipped to the year."""
    member = MemberFactory()
    CompetenceTransferFactory(member=member, competence=Competence.BROADBAND, start_date=datetime.date(2025, 7, 1))
    CompetenceTransferFactory(
        member=member,
        competence=Competence.EV_CHARGING,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2025, 1, 31),
    )
    CompetenceTransferFactory(
        member=member, competence=Competence.VIDEO_PROTECTION, start_date=datetime.date(2026, 1, 1)
    )
    days = competence_days_in_force(member.competences.all(), 2025)
    assert days[Competence.BROADBAND] == 184
    assert days[Competence.EV_CHARGING] == 31
    assert Competence.VIDEO_PROTECTION not in days


def test_overlapping_transfers_of_one_competence_count_each_day_once():
    """Two transfers of the same competence overlapping in time never make the member pay twice."""
    member = MemberFactory()
    CompetenceTransferFactory(member=member, start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2025, 6, 30))
    CompetenceTransferFactory(member=member, start_date=datetime.date(2025, 6, 1))
    assert competence_days_in_force(member.competences.all(), 2025) == {Competence.CENTRAL_PURCHASING: 365}


def test_active_members_and_members_withdrawn_during_the_year_are_called():
    """Only members active during the year get a call: active ones, and those withdrawn during or after it."""
    active = MemberFactory(status=MemberStatus.ACTIVE, activated_at=aware(2020, 1, 1))
    active_from_next_year = MemberFactory(status=MemberStatus.ACTIVE, activated_at=aware(2026, 2, 1))
    withdrawn_during = MemberFactory(
        status=MemberStatus.WITHDRAWN, activated_at=aware(2020, 1, 1), withdrawn_at=aware(2025, 3, 31)
    )
    withdrawn_before = MemberFactory(
        status=MemberStatus.WITHDRAWN, activated_at=aware(2020, 1, 1), withdrawn_at=aware(2024, 12, 31)
    )
    never_active = MemberFactory(status=MemberStatus.WITHDRAWN, activated_at=None, withdrawn_at=aware(2025, 5, 1))
    requested = MemberFactory(status=MemberStatus.REQUESTED, activated_at=None)
    approved = MemberFactory(status=MemberStatus.APPROVED, activated_at=None)
    assert member_was_active_during(active, 2025)
    assert not member_was_active_during(active_from_next_year, 2025)
    assert member_was_active_during(withdrawn_during, 2025)
    assert not member_was_active_during(withdrawn_before, 2025)
    assert not member_was_active_during(never_active, 2025)
    assert not member_was_active_during(requested, 2025)
    assert not member_was_active_during(approved, 2025)
