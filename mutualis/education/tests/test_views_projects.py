"""Project pages: everyone signed in reads the calls; a collège's referent applies for theirs; education officers
decide and lend kits; applications are seen by their département, referents and staff only."""

import pytest
from django.test import Client

from mutualis.core.testing import login_as
from mutualis.education.models import Application
from mutualis.education.services import projects as services
from mutualis.education.tests.factories import ProjectCallFactory
from mutualis.members.testing import assert_role_matrix, rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(edu):
    edu.college.referents.add(edu.referent)
    edu.call = ProjectCallFactory(title="Robotyc")
    return edu


def test_call_pages_matrix(call):
    """The call's page reads for every signed-in role."""
    assert_role_matrix(
        call,
        method="get",
        url=f"/education/projets/{call.call.pk}/",
        expected={"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200},
    )
    assert "Robotyc" in login_as(Client(), call.reader).get("/education/projets/").content.decode()


def test_apply_matrix(call):
    """Only the collège's referent (and education officers) apply; the others change nothing."""
    data = {
        "establishment": call.college.pk,
        "class_name": "3e B",
        "teacher_name": "Mme Lefèvre",
        "motivation": "Notre classe ULIS veut construire un robot trieur.",
    }
    url = f"/education/projets/{call.call.pk}/candidater/"
    assert_role_matrix(
        call,
        method="post",
        url=url,
        data=data,
        expected={"other_member": 403, "reader": 403, "agent": 403, "manager": 403, "staff": 302},
        state=lambda: rows(Application.objects.all()),
    )
    Application.objects.all().delete()
    assert login_as(Client(), call.referent).post(url, data).status_code == 302
    # A second application for the same class is refused on the form.
    response = login_as(Client(), call.referent).post(url, data)
    assert response.status_code == 400 and "déjà candidaté" in response.content.decode()


def test_application_page_and_decision_matrix(call):
    """The application reads for its département, its referent and staff; only education officers decide."""
    application = services.application_submit(
        call=call.call,
        establishment=call.college,
        class_name="3E A",
        teacher_name="M. Durand",
        motivation="Oui.",
        acting_user=call.referent,
    )
    url = f"/education/candidatures/{application.pk}/"
    assert login_as(Client(), call.dep_reader).get(url).status_code == 200
    assert login_as(Client(), call.referent).get(url).status_code == 200
    assert login_as(Client(), call.manager).get(url).status_code == 404
    assert_role_matrix(
        call,
        method="post",
        url=f"{url}decision/",
        data={"to_status": "selected", "note": ""},
        expected={"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302},
        state=lambda: rows(Application.objects.all()),
    )
    assert Application.objects.get(pk=application.pk).status == "selected"
    assert login_as(Client(), call.buyer).post(f"{url}decision/", {"to_status": "rejected"}).status_code == 403
