"""Competences transferred à la carte, over periods; services are offered only with their competence."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.models import AuditEntry
from mutualis.members import offers, services
from mutualis.members.choices import Competence, MemberStatus
from mutualis.members.models import CompetenceTransfer
from mutualis.members.tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def admin():
    return StaffFactory()


@pytest.fixture
def member():
    return factories.MemberFactory()


def add(member, admin, start, end=None, competence=Competence.VIDEO_PROTECTION):
    return services.competence_transfer_add(
        member=member, competence=competence, start_date=start, end_date=end, acting_user=admin
    )


def test_competence_transfer_is_recorded_and_audited(member, admin):
    """A transfer has a competence, a start date, an optional end date; it is audited."""
    transfer = add(member, admin, D(2024, 1, 1))
    assert transfer.end_date is None
    assert AuditEntry.objects.filter(action="competence.add", member_id=member.pk).exists()


def test_end_date_before_start_is_refused(member, admin):
    """A transfer cannot end before it starts."""
    with pytest.raises(ValidationError) as excinfo:
        add(member, admin, D(2024, 6, 1), D(2024, 5, 31))
    assert excinfo.value.message_dict["end_date"] == ["La date de fin doit suivre la date de début."]
    assert CompetenceTransfer.objects.count() == 0


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2024, 6, 1), None),  # inside an open-ended period
        (D(2023, 1, 1), D(2024, 1, 1)),  # ends on the first day of the existing one
        (D(2023, 1, 1), None),  # covers it
        (D(2025, 12, 31), D(2026, 6, 1)),  # starts on the last day of the bounded one
    ],
)
def test_overlapping_periods_of_the_same_competence_are_refused(member, admin, start, end):
    """The same competence cannot be transferred twice over any common day."""
    add(member, admin, D(2024, 1, 1), D(2025, 12, 31))
    with pytest.raises(ValidationError) as excinfo:
        add(member, admin, start, end)
    assert "chevauche" in excinfo.value.message_dict["start_date"][0]
    assert CompetenceTransfer.objects.count() == 1


def test_successive_periods_and_other_competences_are_allowed(member, admin):
    """A new period may start the day after the previous one ended; other competences are independent."""
    add(member, admin, D(2024, 1, 1), D(2024, 12, 31))
    add(member, admin, D(2025, 1, 1))
    add(member, admin, D(2024, 6, 1), competence=Competence.EV_CHARGING)
    assert CompetenceTransfer.objects.filter(member=member).count() == 3


def test_no_competence_for_a_withdrawn_member(admin):
    """A withdrawn or refused member gets no new competence."""
    member = factories.MemberFactory(status=MemberStatus.WITHDRAWN)
    with pytest.raises(ValidationError):
        add(member, admin, D(2024, 1, 1))


def test_ending_a_transfer_sets_its_last_day(member, admin):
    """Ending a transfer sets its last day (the competence is still held that day); it is audited."""
    transfer = add(member, admin, D(2024, 1, 1))
    services.competence_transfer_end(transfer=transfer, end_date=D(2026, 6, 30), acting_user=admin, reason="Fin")
    transfer.refresh_from_db()
    assert transfer.end_date == D(2026, 6, 30)
    assert offers.member_has_competence(member, Competence.VIDEO_PROTECTION, D(2026, 6, 30))
    assert not offers.member_has_competence(member, Competence.VIDEO_PROTECTION, D(2026, 7, 1))
    assert AuditEntry.objects.filter(action="competence.end", reason="Fin").exists()


def test_ending_a_transfer_before_its_start_is_refused(member, admin):
    """The end date of a transfer cannot precede its start; the transfer is left unchanged."""
    transfer = add(member, admin, D(2024, 1, 1))
    with pytest.raises(ValidationError):
        services.competence_transfer_end(transfer=transfer, end_date=D(2023, 12, 31), acting_user=admin)
    with pytest.raises(ValidationError):
        services.competence_transfer_end(transfer=transfer, end_date=None, acting_user=admin)
    assert transfer.end_date is None
    transfer.refresh_from_db()
    assert transfer.end_date is None


def test_extending_a_transfer_into_the_next_one_is_refused(member, admin):
    """Moving an end date later must not make two periods overlap."""
    first = add(member, admin, D(2024, 1, 1), D(2024, 12, 31))
    add(member, admin, D(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.competence_transfer_end(transfer=first, end_date=D(2025, 3, 1), acting_user=admin)


# --- services offered ---------------------------------------------------------------------------------------------


def test_each_competence_has_its_service():
    """The registry offers one service per competence."""
    assert {service.competence for service in offers.SERVICES} == set(Competence.values)
    assert len({service.key for service in offers.SERVICES}) == len(offers.SERVICES)


def test_member_has_competence_only_within_the_period(member, admin):
    """A competence is held from its start date to its end date, both included, and not outside."""
    add(member, admin, D(2024, 3, 1), D(2024, 8, 31))
    has = offers.member_has_competence
    assert not has(member, Competence.VIDEO_PROTECTION, D(2024, 2, 29))
    assert has(member, Competence.VIDEO_PROTECTION, D(2024, 3, 1))
    assert has(member, Competence.VIDEO_PROTECTION, D(2024, 8, 31))
    assert not has(member, Competence.VIDEO_PROTECTION, D(2024, 9, 1))
    assert not has(member, Competence.EV_CHARGING, D(2024, 5, 1))


def test_a_service_is_offered_only_to_a_member_holding_its_competence_that_day(member, admin):
    """The services open to a member are those whose competence it holds on the day asked."""
    add(member, admin, D(2024, 1, 1), D(2024, 12, 31), competence=Competence.EV_CHARGING)
    add(member, admin, D(2025, 1, 1), competence=Competence.VIDEO_PROTECTION)
    keys = lambda day: [s.key for s in offers.member_offered_services(member, day)]  # noqa: E731
    assert keys(D(2023, 12, 31)) == []
    assert keys(D(2024, 6, 1)) == ["ev_charging"]
    assert keys(D(2025, 6, 1)) == ["video_protection"]


def test_no_service_is_offered_to_a_member_not_active(admin):
    """A member whose adhésion is not active is offered nothing, whatever its competences."""
    member = factories.MemberFactory(status=MemberStatus.APPROVED)
    add(member, admin, D(2024, 1, 1))
    assert offers.member_has_competence(member, Competence.VIDEO_PROTECTION, D(2025, 1, 1))
    assert offers.member_offered_services(member, D(2025, 1, 1)) == []
