"""Members ask contributions (through members.billing) whether an issued call bills a transfer before letting
anyone correct it."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.contributions.billing import calls_billing
from mutualis.contributions.models import ContributionCall
from mutualis.contributions.services import call_cancel, call_issue_year
from mutualis.contributions.tests.factories import CompetenceTransferFactory, RateFactory, commune_member
from mutualis.members import billing, services
from mutualis.members.choices import Competence
from mutualis.members.models import CompetenceTransfer

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def admin():
    return StaffFactory()


@pytest.fixture
def member(admin):
    """A member billed in 2025 for central purchasing (since 2020), and holding broadband from 2027."""
    RateFactory(year=2025, competence=Competence.CENTRAL_PURCHASING)
    member = commune_member(competences=[])
    CompetenceTransferFactory(member=member, competence=Competence.CENTRAL_PURCHASING, start_date=D(2020, 1, 1))
    CompetenceTransferFactory(member=member, competence=Competence.BROADBAND, start_date=D(2027, 1, 1))
    call_issue_year(year=2025, acting_user=admin)
    return member


def test_the_app_registers_its_lookup():
    """The contributions app answers members' question from its AppConfig.ready()."""
    assert calls_billing in billing._lookups


def test_an_issued_call_bills_the_transfers_of_its_lines(member):
    """A call's line bills the transfer of its competence in force that year; another competence, another year or
    a cancelled call bills nothing."""
    number = ContributionCall.objects.get(member=member, year=2025).number
    purchasing = member.competences.get(competence=Competence.CENTRAL_PURCHASING)
    broadband = member.competences.get(competence=Competence.BROADBAND)
    assert billing.billed_by(purchasing) == [number]
    assert billing.billed_by(broadband) == []
    ended_before = CompetenceTransferFactory(
        member=member, competence=Competence.VIDEO_PROTECTION, start_date=D(2020, 1, 1), end_date=D(2024, 12, 31)
    )
    assert billing.billed_by(ended_before) == []


def test_a_billed_transfer_is_corrected_once_its_call_is_cancelled(member, admin):
    """Correcting a transfer a live call bills is refused with the call's number; once that call is cancelled, the
    transfer can be corrected."""
    call = ContributionCall.objects.get(member=member, year=2025)
    transfer = member.competences.get(competence=Competence.CENTRAL_PURCHASING)
    with pytest.raises(ValidationError, match=call.number):
        services.competence_transfer_update(transfer=transfer, start_date=D(2021, 1, 1), acting_user=admin)
    with pytest.raises(ValidationError, match=call.number):
        services.competence_transfer_cancel(transfer=transfer, reason="Erreur", acting_user=admin)
    assert CompetenceTransfer.objects.get(pk=transfer.pk).start_date == D(2020, 1, 1)
    call_cancel(call=call, reason="Transfert erroné", acting_user=admin)
    services.competence_transfer_update(transfer=transfer, start_date=D(2021, 1, 1), acting_user=admin)
    assert CompetenceTransfer.objects.get(pk=transfer.pk).start_date == D(2021, 1, 1)


def test_a_transfer_no_call_bills_yet_is_cancelled(member, admin):
    """A transfer starting after every issued call is still corrected or cancelled."""
    broadband = member.competences.get(competence=Competence.BROADBAND)
    services.competence_transfer_cancel(transfer=broadband, reason="Délibération jamais adoptée", acting_user=admin)
    assert not CompetenceTransfer.objects.filter(pk=broadband.pk).exists()
