"""Établissement pages: role matrix on every route, search and filters, the import page's report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mutualis.core.testing import login_as
from mutualis.education.models import Establishment
from mutualis.education.tests.factories import valid_uai
from mutualis.members.testing import assert_role_matrix, rows

pytestmark = pytest.mark.django_db


def test_list_shows_each_role_its_own_établissements(edu):
    """Member A's users see their commune's école, not the département's collège; staff see both."""
    for role, visible, hidden in (
        ("reader", "École Jules-Ferry", "Collège Hoche"),
        ("other_member", None, "École Jules-Ferry"),
        ("staff", "Collège Hoche", None),
    ):
        page = login_as(Client(), edu.users[role]).get("/education/etablissements/").content.decode()
        if visible:
            assert visible in page, role
        if hidden:
            assert hidden not in page, role
    page = login_as(Client(), edu.dep_reader).get("/education/etablissements/").content.decode()
    assert "Collège Hoche" in page and "École Jules-Ferry" not in page


def test_list_search_and_filters(edu):
    """Search by UAI and filter by kind narrow the list; a bad filter answers 400 with the list unfiltered."""
    client = login_as(Client(), edu.staff)
    page = client.get("/education/etablissements/", {"q": edu.college.uai}).content.decode()
    assert "Collège Hoche" in page and "École Jules-Ferry" not in page
    page = client.get("/education/etablissements/", {"kind": "ecole"}).content.decode()
    assert "École Jules-Ferry" in page and "Collège Hoche" not in page
    assert client.get("/education/etablissements/", {"kind": "lycee"}).status_code == 400


def test_detail_matrix(edu):
    """The école's page: its commune's users and staff read it; another member gets 404."""
    assert_role_matrix(
        edu,
        method="get",
        url=f"/education/etablissements/{edu.school.pk}/",
        expected={"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200},
    )


def test_the_collège_is_hidden_from_a_commune_and_shown_to_its_département_and_referent(edu):
    """A commune does not see the département's collège; the département's reader and the referent do."""
    url = f"/education/etablissements/{edu.college.pk}/"
    assert login_as(Client(), edu.manager).get(url).status_code == 404
    assert login_as(Client(), edu.dep_reader).get(url).status_code == 200
    edu.college.referents.add(edu.referent)
    assert login_as(Client(), edu.referent).get(url).status_code == 200


def test_create_matrix(edu):
    """Only education officers (and administrators) record an établissement; the others change nothing."""
    data = {
        "uai": valid_uai(7812001),
        "name": "École Les Prés",
        "kind": "ecole",
        "sector": "public",
        "commune": "78646",
        "member": edu.member_a.pk,
        "pupils": 100,
        "classes": 4,
        "pupils_with_disability": 2,
    }
    assert_role_matrix(
        edu,
        method="post",
        url="/education/etablissements/nouveau/",
        data=data,
        expected={"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302},
        state=lambda: rows(Establishment.objects.all()),
    )
    assert login_as(Client(), edu.buyer).post("/education/etablissements/nouveau/", data).status_code == 403


def test_create_with_a_bad_uai_answers_400_in_french(edu):
    """The form shows the UAI's French message and nothing is written."""
    before = Establishment.objects.count()
    response = login_as(Client(), edu.officer).post(
        "/education/etablissements/nouveau/",
        {
            "uai": "0781234Z",
            "name": "X",
            "kind": "ecole",
            "sector": "public",
            "commune": "78646",
            "member": edu.member_a.pk,
            "pupils": 1,
            "classes": 1,
            "pupils_with_disability": 0,
        },
    )
    assert response.status_code == 400
    assert "Code UAI invalide" in response.content.decode()
    assert Establishment.objects.count() == before


def test_update_matrix(edu):
    """Only education officers change an établissement; a member's users cannot, whatever their role."""
    data = {
        "uai": edu.school.uai,
        "name": "École renommée",
        "kind": "ecole",
        "sector": "public",
        "commune": "78646",
        "member": edu.member_a.pk,
        "pupils": 1,
        "classes": 1,
        "pupils_with_disability": 0,
    }
    assert_role_matrix(
        edu,
        method="post",
        url=f"/education/etablissements/{edu.school.pk}/modifier/",
        data=data,
        expected={"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302},
        state=lambda: rows(Establishment.objects.filter(pk=edu.school.pk)),
    )


def test_import_page_shows_the_report_and_refuses_a_bad_file(edu):
    """The staff import page writes a clean file; a bad line answers 400 with the report and writes nothing."""
    header = "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Code_commune"
    client = login_as(Client(), edu.officer)
    good = SimpleUploadedFile("a.csv", f"{header}\n{valid_uai(7812002)};École Neuve;Ecole;Public;78646\n".encode())
    response = client.post("/education/etablissements/import/", {"file": good})
    assert response.status_code == 200 and "Import réussi" in response.content.decode()
    bad = SimpleUploadedFile("b.csv", f"{header}\n0000000Z;École;Ecole;Public;78646\n".encode())
    response = client.post("/education/etablissements/import/", {"file": bad})
    assert response.status_code == 400
    assert "Code UAI invalide" in response.content.decode() and "rien n'a été écrit" in response.content.decode()
    assert_role_matrix(
        edu,
        method="get",
        url="/education/etablissements/import/",
        expected={"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 200},
    )


def test_referent_add_matrix_and_unknown_account(edu):
    """Education officers name referents by e-mail; an unknown e-mail is refused on the form."""
    assert_role_matrix(
        edu,
        method="post",
        url=f"/education/etablissements/{edu.college.pk}/referents/",
        data={"email": edu.reader.email},
        expected={"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302},
        state=lambda: list(edu.college.referents.values_list("pk", flat=True)),
    )
    assert edu.college.referents.filter(pk=edu.reader.pk).exists()
    response = login_as(Client(), edu.officer).post(
        f"/education/etablissements/{edu.college.pk}/referents/", {"email": "personne@example.fr"}
    )
    assert response.status_code == 400 and "Aucun compte" in response.content.decode()
