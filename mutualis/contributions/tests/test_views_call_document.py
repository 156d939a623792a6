"""A contribution call is a document a treasurer pays from: issuer, recipient, number, dates, the basis of each line,
the total, the due date and the payment instructions — in the PDF and on the printable page alike."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from stdnum import bic, iban

from mutualis.contributions import services
from mutualis.contributions.document import call_document, recipient_address
from mutualis.contributions.models import ContributionCall
from mutualis.contributions.pdf import call_pdf
from mutualis.contributions.tests.factories import (
    CompetenceTransferFactory,
    MemberFactory,
    RateFactory,
    commune_member,
)
from mutualis.core.testing import login_as
from mutualis.members.choices import Competence, MemberKind, SiteKind
from mutualis.members.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

# Versailles (contribution_world): 83 918 inhabitants, central purchasing 0,1500 €/hab. and broadband 0,3000 €/hab.
VERSAILLES_LINES = {"Centrale d'achat": "12 587,70 €", "Très haut débit": "25 175,40 €"}


def pdf_text(content: bytes) -> str:
    """The text of every page, spaces normalised (amounts use no-break spaces)."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def html_text(response) -> str:
    """The page's HTML with entities of apostrophes and no-break spaces normalised."""
    html = response.content.decode().replace("&#x27;", "'").replace("&nbsp;", " ")
    return " ".join(html.replace("\u202f", " ").replace("\u00a0", " ").split())


def expected_content(call: ContributionCall) -> list[str]:
    """What a treasurer needs to read on a call, whatever its form."""
    member = call.member
    due = call.due_date.strftime("%d/%m/%Y")
    return [
        f"Appel de cotisation {call.number}",
        settings.OPERATOR_NAME,
        settings.OPERATOR_ADDRESS,
        settings.OPERATOR_SIRET,
        member.name,
        member.address,
        member.siret,
        timezone.localdate(call.issued_at).strftime("%d/%m/%Y"),
        due,
        "83 918 habitants (population municipale)",
        "0,1500 €",
        "0,3000 €",
        "500,00 €",
        "365 / 365",
        *VERSAILLES_LINES,
        *VERSAILLES_LINES.values(),
        "37 763,10 €",
        "FR76 9999 9000 0100 0000 1234 537",
        settings.OPERATOR_BIC,
        f"À régler par virement au plus tard le {due}, en rappelant la référence {call.number}.",
    ]


def rates_2024() -> None:
    """2024 rates for the competences of contribution_world's members."""
    RateFactory(year=2024, competence=Competence.CENTRAL_PURCHASING)
    RateFactory(year=2024, competence=Competence.BROADBAND)


@pytest.fixture
def call(contribution_world):
    """Versailles' 2025 call, the member's address and head-office SIRET filled in."""
    member = contribution_world.member
    member.address = "Place de la mairie, 78000 Versailles"
    member.siret = "21780646000011"
    member.save()
    return ContributionCall.objects.select_related("member").get(pk=contribution_world.call.pk)


def test_the_demo_payment_account_is_valid_in_form():
    """The default IBAN and BIC are fictitious (bank code 99999, bank « MUTU ») but a bank's form accepts them."""
    assert iban.is_valid(settings.OPERATOR_IBAN) and settings.OPERATOR_IBAN[4:9] == "99999"
    assert bic.is_valid(settings.OPERATOR_BIC) and settings.OPERATOR_BIC.startswith("MUTU")


def test_a_call_is_due_the_payment_delay_after_its_issue_day():
    """Due date = issue day + OPERATOR_PAYMENT_DELAY_DAYS."""
    assert services.call_due_date(datetime.date(2025, 3, 3), 30) == datetime.date(2025, 4, 2)
    assert services.call_due_date(datetime.date(2024, 12, 15), 45) == datetime.date(2025, 1, 29)


@override_settings(OPERATOR_PAYMENT_DELAY_DAYS=45)
def test_issuing_stores_the_due_date_of_the_delay_then_in_force(contribution_world):
    """Issued calls carry their due date, computed from the delay in force when they were issued."""
    rates_2024()
    commune_member(population=5_000)
    calls = services.call_issue_year(year=2024, acting_user=contribution_world.users["administrator"])
    assert calls
    for call in calls:
        assert call.due_date == timezone.localdate(call.issued_at) + datetime.timedelta(days=45)
    with override_settings(OPERATOR_PAYMENT_DELAY_DAYS=10):
        call = ContributionCall.objects.get(pk=calls[0].pk)
        assert call_document(call).due_date == calls[0].due_date


def test_a_call_may_be_dated_on_a_past_day_of_its_year(contribution_world):
    """A call issued on a given past day is dated that day and due the delay after it."""
    rates_2024()
    calls = services.call_issue_year(
        year=2024, acting_user=contribution_world.users["administrator"], issued_on=datetime.date(2024, 3, 4)
    )
    assert calls
    for call in calls:
        assert timezone.localdate(call.issued_at) == datetime.date(2024, 3, 4)
        assert call.due_date == datetime.date(2024, 4, 3)


@pytest.mark.parametrize(
    ("issued_on", "message"),
    [
        (datetime.date(2023, 12, 31), "Un appel de cotisation 2024 ne peut pas être daté avant le 01/01/2024."),
        (None, "Un appel de cotisation ne peut pas être daté dans le futur."),
    ],
)
def test_a_call_is_never_dated_before_its_year_nor_in_the_future(contribution_world, issued_on, message):
    """Dating a call before 1 January of its year or after today is refused in French, and nothing is issued."""
    rates_2024()
    issued_on = issued_on or timezone.localdate() + datetime.timedelta(days=1)
    before = ContributionCall.objects.count()
    with pytest.raises(ValidationError) as error:
        services.call_issue_year(year=2024, acting_user=contribution_world.users["administrator"], issued_on=issued_on)
    assert error.value.message_dict == {"issued_on": [message]}
    assert ContributionCall.objects.count() == before


def test_the_pdf_reads_as_the_call_a_treasurer_pays_from(client, call, contribution_world):
    """The PDF names the issuer and the recipient (addresses, SIRETs), the number and dates, every line with its
    basis, the total, the due date, the account to pay into and the reference to quote."""
    login_as(client, contribution_world.users["reader"])
    response = client.get(reverse("contributions:call_pdf", args=[call.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{call.number}.pdf"'
    text = pdf_text(response.content)
    missing = [item for item in expected_content(call) if item not in text]
    assert not missing, f"missing from the PDF: {missing}\n{text}"
    assert "Référence à rappeler : " + call.number in text
    assert "Page 1 sur 1" in text


def test_the_printable_page_shows_the_same_content(client, call, contribution_world):
    """The printable call page carries everything the PDF does, and links to it."""
    login_as(client, contribution_world.users["manager"])
    response = client.get(reverse("contributions:call_detail", args=[call.pk]))
    assert response.status_code == 200
    text = html_text(response)
    missing = [item for item in expected_content(call) if item not in text]
    assert not missing, f"missing from the page: {missing}"
    assert reverse("contributions:call_pdf", args=[call.pk]) in text
    assert "core/print.js" in text and "contributions/print.js" not in text


def test_a_floor_and_a_prorated_line_show_their_computation(contribution_world):
    """A small member pays the floor (marked « plancher »), prorated by the days its competence was in force."""
    member = commune_member(name="Ville de Buc", population=1_000, competences=[])
    CompetenceTransferFactory(member=member, competence=Competence.BROADBAND, start_date=datetime.date(2025, 7, 1))
    services.call_issue_year(year=2025, acting_user=contribution_world.users["administrator"])
    call = ContributionCall.objects.get(member=member, year=2025)
    document = call_document(call)
    [line] = document.lines
    assert (line.floor_applies, line.yearly, line.days_in_force, line.amount) == (
        True,
        Decimal("800.00"),
        184,
        Decimal("403.29"),
    )
    text = pdf_text(call_pdf(document=document))
    assert "800,00 € (plancher)" in text and "184 / 365" in text and "403,29 €" in text


def test_a_cancelled_call_says_it_is_not_to_be_paid(client, call, contribution_world):
    """A cancelled call keeps its content but says it is not to be paid, and gives no payment instructions."""
    services.call_cancel(call=call, reason="Population erronée", acting_user=contribution_world.users["administrator"])
    call.refresh_from_db()
    text = pdf_text(call_pdf(document=call_document(call)))
    assert "il n'est pas à régler. Motif : Population erronée" in text
    assert "IBAN" not in text and "37 763,10 €" in text
    login_as(client, contribution_world.users["reader"])
    page = html_text(client.get(reverse("contributions:call_detail", args=[call.pk])))
    assert "Cet appel n'est pas à régler." in page and "IBAN" not in page


def test_the_recipient_address_falls_back_to_the_seat(contribution_world):
    """Without its own address, a member is written to at its town hall (before any other site in service)."""
    member = contribution_world.member
    assert recipient_address(member) == ""
    SiteFactory(member=member, kind=SiteKind.SCHOOL, name="École", address="2 rue des Écoles, 78000 Versailles")
    SiteFactory(member=member, kind=SiteKind.TOWN_HALL, name="Mairie", address="Place de la mairie, 78000 Versailles")
    assert recipient_address(member) == "Place de la mairie, 78000 Versailles"
    member.address = "4 avenue de Paris, 78000 Versailles"
    assert recipient_address(member) == "4 avenue de Paris, 78000 Versailles"


def test_a_member_without_population_shows_its_basis_and_the_floor(contribution_world):
    """A public establishment has no population of reference: its line says so and pays the floor."""
    member = MemberFactory(name="Collège du Parc", kind=MemberKind.PUBLIC_ESTABLISHMENT)
    CompetenceTransferFactory(member=member, competence=Competence.CENTRAL_PURCHASING)
    services.call_issue_year(year=2025, acting_user=contribution_world.users["administrator"])
    [line] = call_document(ContributionCall.objects.get(member=member, year=2025)).lines
    assert (line.basis_text, line.floor_applies, line.amount) == (
        "Sans population de référence",
        True,
        Decimal("500.00"),
    )
