"""API /api/v1/members/: scoped reads, administrators' writes, the workflow, competences; bad input is a 400."""

import pytest

from mutualis.core.testing import login_as
from mutualis.members.choices import MemberStatus
from mutualis.members.models import Member, MemberStatusChange
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.members.tests import factories

READ_A = {"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200}
ADMIN_ONLY_ON_A = {"other_member": 404, "reader": 403, "agent": 403, "manager": 403, "staff": 200}


def members_state():
    return rows(Member.objects.all()), rows(MemberStatusChange.objects.all()), rows(Member.communes.through.objects)


def payload(**overrides):
    commune = factories.commune("78686")
    return {
        "name": "Commune de Viroflay",
        "kind": "commune",
        "siren": commune.siren,
        "departement": "78",
        "communes": ["78686"],
    } | overrides


def test_member_list_matrix(world):
    """Every signed-in user may list members (scoped); anonymous callers are refused."""
    expected = {"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}
    assert_role_matrix(world, method="get", url="/api/v1/members/", expected=expected, api=True)


def test_member_list_is_scoped_filtered_and_paginated(world, client):
    """A member's user lists only their member; staff list all, with filters and pagination."""
    login_as(client, world.reader)
    data = client.get("/api/v1/members/").json()
    assert data["count"] == 1 and data["results"][0]["siren"] == "217806462"
    assert data["results"][0]["communes"] == ["78646"]
    assert data["results"][0]["current_competences"] == ["central_purchasing", "video_protection"]
    login_as(client, world.staff)
    assert client.get("/api/v1/members/").json()["count"] == 2
    assert client.get("/api/v1/members/", {"departement": "92"}).json()["count"] == 1
    assert client.get("/api/v1/members/", {"competence": "ev_charging"}).json()["results"][0]["name"] == (
        "Commune de Boulogne-Billancourt"
    )
    page = client.get("/api/v1/members/", {"page_size": 1}).json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]


def test_member_retrieve_matrix(world):
    """Another member's record answers 404."""
    assert_role_matrix(world, method="get", url=f"/api/v1/members/{world.member_a.pk}/", expected=READ_A, api=True)


def test_member_create_matrix(world):
    """Only administrators create members through the API (201)."""
    expected = {"other_member": 403, "reader": 403, "agent": 403, "manager": 403, "staff": 201}
    assert_role_matrix(
        world,
        method="post",
        url="/api/v1/members/",
        data=payload(),
        expected=expected,
        state=members_state,
        api=True,
    )
    assert Member.objects.get(siren="217806868").status == MemberStatus.REQUESTED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"siren": "217806869"}, "siren"),
        ({"siret": "12345678901234"}, "siret"),
        ({"siret": "21780646200016"}, "siret"),
        ({"siren": "217806462", "communes": ["78646"]}, "siren"),
        ({"communes": ["78999"]}, "communes"),
        ({"departement": "99"}, "departement"),
    ],
)
def test_member_create_bad_input_is_400_with_field_errors(world, client, overrides, field):
    """Invalid SIREN/SIRET, duplicate, unknown commune or département: 400 with the field's error; nothing written."""
    login_as(client, world.staff)
    before = members_state()
    response = client.post("/api/v1/members/", payload(**overrides), content_type="application/json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert members_state() == before


def test_member_update_matrix(world):
    """Only administrators update a member."""
    assert_role_matrix(
        world,
        method="patch",
        url=f"/api/v1/members/{world.member_a.pk}/",
        data={"phone": "01 30 97 80 00"},
        expected=ADMIN_ONLY_ON_A,
        state=members_state,
        api=True,
    )
    assert Member.objects.get(pk=world.member_a.pk).phone == "01 30 97 80 00"


def test_member_update_cannot_set_status(world, client):
    """The status only moves through /transition/."""
    login_as(client, world.staff)
    response = client.patch(
        f"/api/v1/members/{world.member_a.pk}/", {"status": "withdrawn"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "active"


def test_transition_matrix(world):
    """Only administrators move the adhésion workflow."""
    assert_role_matrix(
        world,
        method="post",
        url=f"/api/v1/members/{world.member_a.pk}/transition/",
        data={"to_status": "withdrawn", "reason": "Délibération de retrait"},
        expected=ADMIN_ONLY_ON_A,
        state=members_state,
        api=True,
    )
    assert Member.objects.get(pk=world.member_a.pk).status == MemberStatus.WITHDRAWN


def test_transition_bad_input_is_400(world, client):
    """Approval without deliberation, or a transition outside the workflow: 400 with field errors."""
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    login_as(client, world.staff)
    url = f"/api/v1/members/{member.pk}/transition/"
    before = members_state()
    response = client.post(url, {"to_status": "approved"}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"deliberation_reference", "deliberation_date"}
    response = client.post(url, {"to_status": "active"}, content_type="application/json")
    assert response.status_code == 400 and "to_status" in response.json()
    response = client.post(url, {"to_status": "nowhere"}, content_type="application/json")
    assert response.status_code == 400
    assert members_state() == before
    data = {"to_status": "approved", "deliberation_reference": "CS-2026-1", "deliberation_date": "2026-02-01"}
    response = client.post(url, data, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "approved"


def test_competences_matrix(world):
    """A member's competences are readable by its users and staff."""
    assert_role_matrix(
        world, method="get", url=f"/api/v1/members/{world.member_a.pk}/competences/", expected=READ_A, api=True
    )


def test_competences_list_dates(world, client):
    """The competences endpoint lists each transfer with its dates and whether it is in force."""
    login_as(client, world.reader)
    data = client.get(f"/api/v1/members/{world.member_a.pk}/competences/").json()
    assert [(t["competence"], t["start_date"], t["end_date"], t["in_force"]) for t in data] == [
        ("central_purchasing", "2024-01-01", None, True),
        ("video_protection", "2025-01-01", None, True),
    ]


def test_token_authentication_reads_the_api(world, client):
    """Machine clients authenticate with a token and see what their user sees."""
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.reader)
    response = client.get("/api/v1/members/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and response.json()["count"] == 1


def test_member_put_matrix(world):
    """A full replacement (PUT) of a member is for administrators only."""
    data = payload(name="Ville de Versailles", siren="217806462", communes=["78646"])
    assert_role_matrix(
        world,
        method="put",
        url=f"/api/v1/members/{world.member_a.pk}/",
        data=data,
        expected=ADMIN_ONLY_ON_A,
        state=members_state,
        api=True,
    )
    assert Member.objects.get(pk=world.member_a.pk).name == "Ville de Versailles"
