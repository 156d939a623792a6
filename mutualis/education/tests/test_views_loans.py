"""Loan pages: role matrix, lending and taking back through the pages, the agreement PDF, the asset's « Prêts »
panel, programmes and campaigns."""

import datetime

import pytest
from django.test import Client

from mutualis.assets.tests.factories import AssetFactory
from mutualis.core.testing import login_as
from mutualis.education.models import Loan
from mutualis.education.services import loans as services
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.members.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def loan(edu):
    """A tablet of member A lent to a pupil of its école, already overdue."""
    edu.tablet = AssetFactory(member=edu.member_a, site=edu.site_a, serial_number="TAB-0001")
    edu.loan = services.loan_create(
        asset=edu.tablet,
        beneficiary_kind="pupil",
        beneficiary_reference="ELV-abcdef",
        establishment=edu.school,
        starts_on=TODAY - datetime.timedelta(days=40),
        due_on=TODAY - datetime.timedelta(days=2),
        acting_user=edu.officer,
    )
    return edu


def test_loan_pages_matrix(loan):
    """The lender's users, the école's referent and staff read the loan; another member gets 404."""
    for url in (f"/education/prets/{loan.loan.pk}/", f"/education/prets/{loan.loan.pk}/convention.pdf"):
        assert_role_matrix(
            loan,
            method="get",
            url=url,
            expected={"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200},
        )
    assert login_as(Client(), loan.referent).get(f"/education/prets/{loan.loan.pk}/").status_code == 200


def test_the_agreement_is_a_pdf(loan):
    """The loan agreement downloads as a PDF document."""
    response = login_as(Client(), loan.manager).get(f"/education/prets/{loan.loan.pk}/convention.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_lists_and_overdue(loan):
    """The list and the overdue list show the loan to its readers, not to another member."""
    for url in ("/education/prets/", "/education/prets/en-retard/"):
        assert "TAB-0001" in login_as(Client(), loan.reader).get(url).content.decode()
        assert "TAB-0001" not in login_as(Client(), loan.other_member).get(url).content.decode()
    page = login_as(Client(), loan.staff).get("/education/prets/", {"q": "TAB-0001", "status": "ongoing"})
    assert "TAB-0001" in page.content.decode()


def test_lending_an_asset_already_lent_answers_400_and_writes_nothing(loan):
    """The form says the tablet is already lent; no loan is added."""
    before = rows(Loan.objects.all())
    response = login_as(Client(), loan.officer).post(
        "/education/prets/nouveau/",
        {
            "serial_number": "TAB-0001",
            "beneficiary_kind": "pupil",
            "beneficiary_reference": "ELV-zzzzzz",
            "establishment": loan.school.pk,
            "starts_on": TODAY.isoformat(),
            "due_on": (TODAY + datetime.timedelta(days=10)).isoformat(),
            "condition_out": "good",
            "deposit": "0",
        },
    )
    assert response.status_code == 400 and "déjà prêté" in response.content.decode()
    assert rows(Loan.objects.all()) == before


def test_lend_and_return_matrix(loan):
    """Only education officers lend and take back; members' users and other staff change nothing."""
    other = AssetFactory(member=loan.member_a, site=loan.site_a, serial_number="TAB-0002")
    data = {
        "serial_number": other.serial_number,
        "beneficiary_kind": "teacher",
        "beneficiary_reference": "M. Martin",
        "establishment": loan.school.pk,
        "starts_on": TODAY.isoformat(),
        "due_on": (TODAY + datetime.timedelta(days=10)).isoformat(),
        "condition_out": "good",
        "deposit": "0",
    }
    assert_role_matrix(
        loan,
        method="post",
        url="/education/prets/nouveau/",
        data=data,
        expected={"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302},
        state=lambda: rows(Loan.objects.all()),
    )
    assert login_as(Client(), loan.buyer).get("/education/prets/nouveau/").status_code == 403
    back = {"returned_on": TODAY.isoformat(), "condition_back": "good"}
    assert_role_matrix(
        loan,
        method="post",
        url=f"/education/prets/{loan.loan.pk}/retour/",
        data=back,
        expected={"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302},
        state=lambda: rows(Loan.objects.filter(pk=loan.loan.pk)),
    )
    loan.tablet.refresh_from_db()
    assert loan.tablet.status == "in_stock"


def test_the_asset_page_shows_its_loans(loan):
    """The asset page's « Prêts » panel lists the loan to the lender's users."""
    page = login_as(Client(), loan.reader).get(f"/equipements/{loan.tablet.pk}/").content.decode()
    assert "Prêts" in page and f"Prêt n° {loan.loan.pk}" in page


def test_programme_and_campaign_pages(loan):
    """The inclusion coverage and a campaign with its delivery sheets show to the département; not to a commune."""
    programme = services.inclusion_programme_create(
        member=loan.departement, school_year="2025-2026", title="Inclusion", acting_user=loan.officer
    )
    campaign = services.campaign_create(
        member=loan.departement,
        title="Crise",
        quantity=2,
        starts_on=TODAY,
        due_on=TODAY + datetime.timedelta(days=30),
        acting_user=loan.officer,
    )
    site = SiteFactory(member=loan.departement, name="Maison des solidarités")
    services.campaign_beneficiary_add(
        campaign=campaign,
        kind="ase_child",
        reference="ASE-0009",
        site=site,
        beneficiary_member=loan.departement,
        acting_user=loan.officer,
    )
    for url in (
        f"/education/programmes/inclusion/{programme.pk}/",
        f"/education/programmes/campagnes/{campaign.pk}/",
        f"/education/programmes/campagnes/{campaign.pk}/bordereaux/",
    ):
        assert login_as(Client(), loan.dep_reader).get(url).status_code == 200
        assert login_as(Client(), loan.manager).get(url).status_code == 404
    response = login_as(Client(), loan.officer).post(f"/education/programmes/campagnes/{campaign.pk}/attribuer/")
    assert response.status_code == 400 and "Pas assez d" in response.content.decode()
    AssetFactory(member=loan.departement)
    response = login_as(Client(), loan.officer).post(f"/education/programmes/campagnes/{campaign.pk}/attribuer/")
    assert response.status_code == 302
    assert Loan.objects.filter(campaign=campaign).count() == 1
