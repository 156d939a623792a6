"""Device loans: the asset's status follows the loan, an asset is never lent twice, borrowers go through the right
member, overdue loans are reminded by notification and e-mail; programmes and campaigns."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase

from mutualis.assets.models import Asset
from mutualis.assets.tests.factories import AssetFactory
from mutualis.core.models import Notification
from mutualis.education.models import CampaignBeneficiary, Loan
from mutualis.education.selectors.loans import delivery_sheets, inclusion_coverage
from mutualis.education.services import loans as services
from mutualis.members.testing import rows
from mutualis.members.tests.factories import MemberFactory, SiteFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 1, 5)


def lend(edu, asset, **kwargs):
    defaults = {
        "beneficiary_kind": "pupil",
        "beneficiary_reference": "ELV-4f2e1d",
        "establishment": edu.school,
        "starts_on": DAY,
        "due_on": DAY + datetime.timedelta(days=60),
        "acting_user": edu.officer,
    }
    return services.loan_create(asset=asset, **(defaults | kwargs))


def test_a_lent_tablet_is_lent_then_back_in_stock(edu):
    """Lending makes the asset « lent »; the return in good condition puts it back « in stock »."""
    asset = AssetFactory(member=edu.member_a, site=edu.site_a)
    loan = lend(edu, asset, deposit=Decimal("50.00"))
    assert Asset.objects.get(pk=asset.pk).status == "lent"
    services.loan_return(
        loan=loan, returned_on=DAY + datetime.timedelta(days=30), condition_back="good", acting_user=edu.officer
    )
    assert Asset.objects.get(pk=asset.pk).status == "in_stock"
    assert Loan.objects.get(pk=loan.pk).status == "returned"


def test_a_damaged_return_sends_the_asset_to_repair(edu):
    """A device back damaged goes « in repair »."""
    asset = AssetFactory(member=edu.member_a, site=edu.site_a, kind="laptop")
    loan = lend(edu, asset)
    services.loan_return(loan=loan, returned_on=DAY, condition_back="damaged", acting_user=edu.officer)
    assert Asset.objects.get(pk=asset.pk).status == "in_repair"


def test_an_asset_on_loan_cannot_be_lent_twice_and_nothing_is_written(edu):
    """The second loan of a lent tablet is refused with the first loan's number; no row changes."""
    asset = AssetFactory(member=edu.member_a, site=edu.site_a)
    first = lend(edu, asset)
    before = rows(Loan.objects.all()), rows(Asset.objects.filter(pk=asset.pk))
    with pytest.raises(ValidationError) as caught:
        lend(edu, asset, beneficiary_reference="ELV-autre1")
    assert f"déjà prêté (prêt n° {first.pk}" in caught.value.message_dict["asset"][0]
    assert (rows(Loan.objects.all()), rows(Asset.objects.filter(pk=asset.pk))) == before


def test_only_laptops_tablets_and_robots_are_lent(edu):
    """A camera is not an education loan."""
    with pytest.raises(ValidationError):
        lend(edu, AssetFactory(member=edu.member_a, kind="camera"))
    assert not Loan.objects.exists()


def test_an_ase_child_borrows_through_the_département_and_a_resident_through_the_ehpad(edu):
    """CASF art. L221-1: child welfare is the département's; an EHPAD resident borrows through the EHPAD member."""
    tablet = AssetFactory(member=edu.departement)
    with pytest.raises(ValidationError) as caught:
        lend(edu, tablet, beneficiary_kind="ase_child", establishment=None, beneficiary_member=edu.member_a)
    assert "L221-1" in caught.value.message_dict["beneficiary_member"][0]
    lend(edu, tablet, beneficiary_kind="ase_child", establishment=None, beneficiary_member=edu.departement)
    ehpad = MemberFactory(name="EHPAD Les Tilleuls", establishment_type="ehpad")
    other = AssetFactory(member=edu.departement)
    with pytest.raises(ValidationError):
        lend(edu, other, beneficiary_kind="ehpad_resident", establishment=None, beneficiary_member=edu.departement)
    lend(edu, other, beneficiary_kind="ehpad_resident", establishment=None, beneficiary_member=ehpad)
    assert Loan.objects.count() == 2


def test_overdue_loans_are_reminded_by_notification_and_email_once_a_week(edu, settings):
    """An overdue loan notifies the referents and the lender's managers (e-mailed by the worker), once a week."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    asset = AssetFactory(member=edu.member_a, site=edu.site_a)
    loan = lend(edu, asset)
    late = loan.due_on + datetime.timedelta(days=3)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.loan_remind(loan=loan, today=late) == 2  # the école's referent and member A's manager
    assert set(Notification.objects.values_list("recipient__email", flat=True)) == {
        edu.referent.email,
        edu.manager.email,
    }
    assert len(mail.outbox) == 2 and "en retard" in mail.outbox[0].subject
    assert services.loan_remind(loan=loan, today=late + datetime.timedelta(days=2)) == 0
    assert services.loan_remind(loan=loan, today=late + datetime.timedelta(days=7)) == 2


def test_the_reminder_command_reminds_every_overdue_loan(edu):
    """`remind_overdue_loans` reminds the overdue loans and says how many."""
    loan = lend(
        edu, AssetFactory(member=edu.member_a), starts_on=datetime.date(2025, 1, 1), due_on=datetime.date(2025, 2, 1)
    )
    call_command("remind_overdue_loans")
    assert Loan.objects.get(pk=loan.pk).reminded_on is not None


def test_inclusion_coverage_per_collège_and_département(edu):
    """Coverage: laptops lent under the programme to the collège's pupils, against its pupils with a disability."""
    edu.college.pupils_with_disability = 4
    edu.college.save()
    programme = services.inclusion_programme_create(
        member=edu.departement,
        school_year="2025-2026",
        title="Un ordinateur pour chaque élève",
        acting_user=edu.officer,
    )
    for n in range(3):
        lend(
            edu,
            AssetFactory(member=edu.departement, kind="laptop"),
            establishment=edu.college,
            beneficiary_reference=f"ELV-inc{n:03d}",
            programme=programme,
        )
    coverage = inclusion_coverage(programme=programme)
    assert (coverage["needed"], coverage["covered"], coverage["rate"]) == (4, 3, Decimal("75.0"))
    with pytest.raises(ValidationError):
        services.inclusion_programme_create(
            member=edu.member_a, school_year="2025-2026", title="X", acting_user=edu.officer
        )


def test_a_crisis_campaign_allocates_n_tablets_and_lists_them_per_site(edu):
    """N tablets in stock are lent to the list; short of stock nothing is lent; delivery sheets are per site."""
    campaign = services.campaign_create(
        member=edu.departement,
        title="Continuité pédagogique",
        quantity=3,
        starts_on=DAY,
        due_on=DAY.replace(month=6),
        acting_user=edu.officer,
    )
    ehpad = MemberFactory(name="EHPAD Les Glycines", establishment_type="ehpad")
    seat = SiteFactory(member=edu.departement, name="Maison départementale des solidarités")
    residence = SiteFactory(member=ehpad, name="EHPAD — accueil")
    services.campaign_beneficiary_add(
        campaign=campaign,
        kind="ase_child",
        reference="ASE-0001",
        site=seat,
        beneficiary_member=edu.departement,
        acting_user=edu.officer,
    )
    services.campaign_beneficiary_add(
        campaign=campaign,
        kind="ase_child",
        reference="ASE-0002",
        site=seat,
        beneficiary_member=edu.departement,
        acting_user=edu.officer,
    )
    services.campaign_beneficiary_add(
        campaign=campaign,
        kind="ehpad_resident",
        reference="RES-0001",
        site=residence,
        beneficiary_member=ehpad,
        acting_user=edu.officer,
    )
    AssetFactory(member=edu.departement)
    with pytest.raises(ValidationError):
        services.campaign_allocate(campaign=campaign, acting_user=edu.officer)
    assert not Loan.objects.exists()
    AssetFactory(member=edu.departement)
    AssetFactory(member=edu.departement)
    assert services.campaign_allocate(campaign=campaign, acting_user=edu.officer) == 3
    assert services.campaign_allocate(campaign=campaign, acting_user=edu.officer) == 0
    assert Asset.objects.filter(member=edu.departement, status="lent").count() == 3
    sheets = delivery_sheets(campaign=campaign)
    assert [(s["site"].name, len(s["lines"])) for s in sheets] == [
        ("EHPAD — accueil", 1),
        ("Maison départementale des solidarités", 2),
    ]
    line = CampaignBeneficiary.objects.get(reference="ASE-0001")
    services.campaign_deliver(line=line, delivered_on=DAY, acting_user=edu.officer)
    assert CampaignBeneficiary.objects.filter(delivered_on__isnull=False).count() == 1
