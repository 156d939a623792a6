"""/api/v1/establishments/: read by members in scope, written by education officers, in the OpenAPI schema."""

import pytest
from django.test import Client

from mutualis.core.testing import login_as
from mutualis.education.models import Establishment
from mutualis.education.tests.factories import valid_uai
from mutualis.members.testing import assert_role_matrix, rows

pytestmark = pytest.mark.django_db


def test_list_is_scoped(edu):
    """A commune's users list their écoles; the département's reader its collèges; staff all."""

    def uais(user):
        return {row["uai"] for row in login_as(Client(), user).get("/api/v1/establishments/").json()["results"]}

    assert uais(edu.reader) == {edu.school.uai}
    assert uais(edu.dep_reader) == {edu.college.uai}
    assert uais(edu.other_member) == set()
    assert uais(edu.staff) == {edu.school.uai, edu.college.uai}


def test_retrieve_matrix(edu):
    """Another member's établissement answers 404."""
    assert_role_matrix(
        edu,
        method="get",
        url=f"/api/v1/establishments/{edu.school.pk}/",
        api=True,
        expected={"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200},
    )


def test_create_matrix_and_bad_uai(edu):
    """Only education officers create; a bad UAI is a 400 with the French message, nothing written."""

    def data(role):
        return {
            "uai": valid_uai(7813000 + len(role)),
            "name": f"École {role}",
            "kind": "ecole",
            "sector": "public",
            "commune": "78646",
            "member": edu.member_a.pk,
        }

    assert_role_matrix(
        edu,
        method="post",
        url="/api/v1/establishments/",
        api=True,
        data=data,
        expected={"other_member": 403, "reader": 403, "agent": 403, "manager": 403, "staff": 201},
        state=lambda: rows(Establishment.objects.all()),
    )
    before = Establishment.objects.count()
    response = login_as(Client(), edu.officer).post(
        "/api/v1/establishments/", data("x") | {"uai": "0781234Z"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "Code UAI invalide" in response.json()["uai"][0]
    assert Establishment.objects.count() == before


def test_update_by_officer_only(edu):
    """A member's manager cannot change its école through the API; an education officer can."""
    url = f"/api/v1/establishments/{edu.school.pk}/"
    assert login_as(Client(), edu.manager).patch(url, {"pupils": 1}, content_type="application/json").status_code == 403
    response = login_as(Client(), edu.officer).patch(url, {"pupils": 321}, content_type="application/json")
    assert response.status_code == 200 and response.json()["pupils"] == 321


def test_in_the_openapi_schema(edu):
    """The schema documents the établissements' routes."""
    schema = login_as(Client(), edu.staff).get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/establishments/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/establishments/"]
