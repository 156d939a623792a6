"""The role matrix on the routes not covered by the other view tests: lists every signed-in role reads (scoped),
back-office pages and writes for education officers only — refused requests change nothing."""

import datetime

import pytest

from mutualis.assets.tests.factories import AssetFactory
from mutualis.education.models import Application, Assignment, CampaignBeneficiary, CrisisCampaign, ProjectCall
from mutualis.education.services import loans, projects, resources
from mutualis.education.tests.factories import ProjectCallFactory, SubscriptionFactory
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.members.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
EVERYONE = {"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}
STAFF_ONLY = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404}


@pytest.mark.parametrize(
    "url",
    [
        "/education/etablissements/",
        "/education/ressources/",
        "/education/abonnements/",
        "/education/ressources/usage/",
        "/education/prets/",
        "/education/prets/en-retard/",
        "/education/programmes/",
        "/education/projets/",
    ],
)
def test_lists_read_for_every_signed_in_role(edu, url):
    """Every signed-in role reads the lists (each sees its own scope); anonymous users go to the login page."""
    assert_role_matrix(edu, method="get", url=url, expected=EVERYONE)


@pytest.mark.parametrize(
    "url",
    [
        "/education/etablissements/nouveau/",
        "/education/ressources/nouvelle/",
        "/education/prets/nouveau/",
        "/education/programmes/campagnes/nouvelle/",
        "/education/projets/nouveau/",
    ],
)
def test_back_office_forms_are_for_staff(edu, url):
    """Members' users get 404 on the back-office forms; staff read them."""
    assert_role_matrix(edu, method="get", url=url, expected=STAFF_ONLY | {"staff": 200})


def test_assignment_revoke_matrix(edu):
    """Only the referent and education officers take licences back."""
    subscription = SubscriptionFactory(establishment=edu.school, starts_on=TODAY, ends_on=TODAY)
    assignment = resources.assignment_create(
        subscription=subscription, target="class_group", class_group="CP", licences=5, acting_user=edu.officer
    )
    assert_role_matrix(
        edu,
        method="post",
        url=f"/education/abonnements/{subscription.pk}/attributions/{assignment.pk}/retirer/",
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 403, "staff": 302},
        state=lambda: rows(Assignment.objects.all()),
    )
    assert not Assignment.objects.exists()


def test_referent_remove_matrix(edu):
    """Only education officers withdraw a referent."""
    assert_role_matrix(
        edu,
        method="post",
        url=f"/education/etablissements/{edu.school.pk}/referents/{edu.referent.pk}/retirer/",
        expected=STAFF_ONLY | {"staff": 302},
        state=lambda: list(edu.school.referents.values_list("pk", flat=True)),
    )
    assert not edu.school.referents.exists()


def test_campaign_writes_matrix(edu):
    """Campaigns are opened, filled and delivered by education officers only."""
    data = {
        "member": edu.departement.pk,
        "title": "Crise",
        "asset_kind": "tablet",
        "quantity": 2,
        "starts_on": TODAY.isoformat(),
        "due_on": TODAY.isoformat(),
    }
    assert_role_matrix(
        edu,
        method="post",
        url="/education/programmes/campagnes/nouvelle/",
        data=data,
        expected=STAFF_ONLY | {"staff": 302},
        state=lambda: rows(CrisisCampaign.objects.all()),
    )
    campaign = CrisisCampaign.objects.get()
    site = SiteFactory(member=edu.departement)
    line = {"kind": "ase_child", "reference": "ASE-0001", "beneficiary_member": edu.departement.pk, "site": site.pk}
    assert_role_matrix(
        edu,
        method="post",
        url=f"/education/programmes/campagnes/{campaign.pk}/beneficiaires/",
        data=line,
        expected={"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302},
        state=lambda: rows(CampaignBeneficiary.objects.all()),
    )
    AssetFactory(member=edu.departement)
    loans.campaign_allocate(campaign=campaign, acting_user=edu.officer)
    entry = CampaignBeneficiary.objects.get()
    assert_role_matrix(
        edu,
        method="post",
        url=f"/education/programmes/campagnes/{campaign.pk}/remise/{entry.pk}/",
        expected=STAFF_ONLY | {"staff": 302},
        state=lambda: rows(CampaignBeneficiary.objects.all()),
    )
    assert CampaignBeneficiary.objects.get().delivered_on == TODAY


def test_call_create_kit_and_outcome_matrix(edu):
    """Calls and kit loans are education officers'; the outcome is the referent's or the officers'."""
    data = {
        "school_year": "2025-2026",
        "title": "Défi'Bot",
        "capacity": 3,
        "opens_on": TODAY.isoformat(),
        "closes_on": TODAY.isoformat(),
        "starts_on": TODAY.isoformat(),
        "ends_on": TODAY.isoformat(),
    }
    assert_role_matrix(
        edu,
        method="post",
        url="/education/projets/nouveau/",
        data=data,
        expected=STAFF_ONLY | {"staff": 302},
        state=lambda: rows(ProjectCall.objects.all()),
    )
    edu.college.referents.add(edu.referent)
    call = ProjectCallFactory()
    application = projects.application_submit(
        call=call,
        establishment=edu.college,
        class_name="3A",
        teacher_name="M. X",
        motivation="Oui.",
        acting_user=edu.referent,
    )
    projects.application_decide(application=application, to_status="selected", acting_user=edu.officer)
    kit = AssetFactory(member=edu.departement, kind="robot", serial_number="KIT-9")
    assert_role_matrix(
        edu,
        method="post",
        url=f"/education/candidatures/{application.pk}/kit/",
        data={"serial_number": "KIT-9"},
        expected=STAFF_ONLY | {"staff": 302},
        state=lambda: rows(Application.objects.all()),
    )
    kit.refresh_from_db()
    assert kit.status == "lent"
    assert_role_matrix(
        edu,
        method="post",
        url=f"/education/candidatures/{application.pk}/bilan/",
        data={"outcome": "Réussi."},
        expected={"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302},
        state=lambda: rows(Application.objects.all()),
    )
    assert Application.objects.get().outcome == "Réussi."
