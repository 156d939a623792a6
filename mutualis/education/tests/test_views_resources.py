"""Resource pages: the referent assigns only for their établissement, the export holds no name, the use dashboard."""

import datetime

import pytest
from django.test import Client

from mutualis.core.testing import login_as
from mutualis.education.models import Assignment
from mutualis.education.rules import PUBLISHER_EXPORT_FIELDS
from mutualis.education.services import resources as services
from mutualis.education.tests.factories import ResourceFactory, SubscriptionFactory
from mutualis.members.testing import assert_role_matrix, rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriptions(edu):
    """A Playbac subscription of the école (its referent) and one of the collège."""
    today = datetime.date.today()
    period = {"starts_on": today - datetime.timedelta(days=30), "ends_on": today + datetime.timedelta(days=300)}
    edu.sub_school = SubscriptionFactory(
        establishment=edu.school, resource=ResourceFactory(title="Le P'tit Libé"), **period
    )
    edu.sub_college = SubscriptionFactory(establishment=edu.college, resource=edu.sub_school.resource, **period)
    return edu


def test_subscription_page_matrix(subscriptions):
    """The école's subscription: its commune's users, its referent and staff read it; another member gets 404."""
    world = subscriptions
    assert_role_matrix(
        world,
        method="get",
        url=f"/education/abonnements/{world.sub_school.pk}/",
        expected={"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200},
    )
    assert login_as(Client(), world.referent).get(f"/education/abonnements/{world.sub_school.pk}/").status_code == 200
    assert login_as(Client(), world.referent).get(f"/education/abonnements/{world.sub_college.pk}/").status_code == 404


def test_only_the_referent_and_education_staff_assign(subscriptions):
    """The commune's users read but do not assign (403); the referent assigns for their école only."""
    world = subscriptions
    url = f"/education/abonnements/{world.sub_school.pk}/attribuer/"
    data = {"target": "class_group", "class_group": "CM1", "licences": 5, "pseudonym": ""}
    assert_role_matrix(
        world,
        method="post",
        url=url,
        data=data,
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 403, "staff": 302},
        state=lambda: rows(Assignment.objects.all()),
    )
    Assignment.objects.all().delete()
    assert login_as(Client(), world.referent).post(url, data).status_code == 302
    college_url = f"/education/abonnements/{world.sub_college.pk}/attribuer/"
    assert login_as(Client(), world.referent).post(college_url, data).status_code == 404
    assert Assignment.objects.count() == 1


def test_too_many_licences_answer_400_on_the_form(subscriptions):
    """A class larger than the free licences is refused on the form in French; nothing is written."""
    world = subscriptions
    response = login_as(Client(), world.referent).post(
        f"/education/abonnements/{world.sub_school.pk}/attribuer/",
        {"target": "class_group", "class_group": "CM2", "licences": 31, "pseudonym": ""},
    )
    assert response.status_code == 400
    assert "Plus assez de licences" in response.content.decode()
    assert not Assignment.objects.exists()


def test_the_publisher_export_has_only_the_minimal_fields_and_no_name(subscriptions):
    """RGPD art. 5.1.c: the publisher gets resource, pseudonym, profile, class group, UAI — no name, no e-mail."""
    world = subscriptions
    world.referent.first_name, world.referent.last_name = "Bérénice", "Quintard"
    world.referent.save()
    services.assignment_create(
        subscription=world.sub_school, target="pupil", pseudonym="ELV-9a8b7c6d", acting_user=world.referent
    )
    services.assignment_create(
        subscription=world.sub_college, target="class_group", class_group="3B", licences=4, acting_user=world.staff
    )
    response = login_as(Client(), world.staff).get("/education/ressources/export-editeur.csv", {"publisher": "Playbac"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    lines = [line.split(";") for line in text.strip().splitlines()]
    assert lines[0] == list(PUBLISHER_EXPORT_FIELDS)
    assert ["Le P'tit Libé", "ELV-9a8b7c6d", "National_elv", "", world.school.uai] in lines
    for name in (
        "Bérénice",
        "Quintard",
        world.referent.email,
        world.school.name,
        "Collège Hoche",
        "Versailles",
        world.staff.email,
    ):
        assert name not in text
    for role in ("manager", "other_member"):
        status = (
            login_as(Client(), world.users[role])
            .get("/education/ressources/export-editeur.csv", {"publisher": "Playbac"})
            .status_code
        )
        assert status == 404
    assert (
        login_as(Client(), world.buyer)
        .get("/education/ressources/export-editeur.csv", {"publisher": "Playbac"})
        .status_code
        == 403
    )


def test_usage_dashboard_shows_each_its_rates(subscriptions):
    """The dashboard gives the rate per resource, établissement and département; a commune sees only its école."""
    world = subscriptions
    services.assignment_create(
        subscription=world.sub_school, target="class_group", class_group="CP", licences=15, acting_user=world.referent
    )
    page = login_as(Client(), world.staff).get("/education/ressources/usage/").content.decode()
    assert "50,0 %" in page and "Collège Hoche" in page and "data-education-chart" in page
    page = login_as(Client(), world.manager).get("/education/ressources/usage/").content.decode()
    assert "École Jules-Ferry" in page and "Collège Hoche" not in page


def test_resource_create_and_subscription_create_are_for_education_officers(subscriptions):
    """Only education officers add resources and subscriptions; a purchasing officer gets 403."""
    world = subscriptions
    data = {"publisher": "Madmagz", "title": "Magazine", "audience": "all", "is_active": "on"}
    assert login_as(Client(), world.buyer).post("/education/ressources/nouvelle/", data).status_code == 403
    assert login_as(Client(), world.manager).post("/education/ressources/nouvelle/", data).status_code == 404
    assert login_as(Client(), world.officer).post("/education/ressources/nouvelle/", data).status_code == 302
    url = f"/education/etablissements/{world.school.pk}/abonner/"
    sub = {
        "resource": world.sub_school.resource_id,
        "starts_on": "2026-01-01",
        "ends_on": "2026-06-30",
        "licences": 10,
        "order": "BC-INCONNU",
    }
    response = login_as(Client(), world.officer).post(url, sub)
    assert response.status_code == 400 and "Aucun bon de commande" in response.content.decode()
    assert login_as(Client(), world.officer).post(url, sub | {"order": ""}).status_code == 302
