"""The dashboard pages: who may open them, what they show (charts with their data tables, French figures, empty
states), and a number of queries that does not grow with the number of orders."""

import pytest
from django.db import connection
from django.test import Client

from mutualis.accounts.tests.factories import UserFactory
from mutualis.core.testing import login_as
from mutualis.members.choices import MemberRole
from mutualis.members.testing import assert_role_matrix
from mutualis.members.tests.factories import MembershipFactory
from mutualis.purchasing.tests.test_selectors_dashboards import _orders, build_dataset

pytestmark = pytest.mark.django_db

OPERATOR_URL = "/achats/back-office/tableau-de-bord/"


def member_url(member) -> str:
    return f"/achats/tableau-de-bord/{member.pk}/"


def signed_in(user) -> Client:
    return login_as(Client(), user)


def test_member_dashboard_role_matrix(world):
    """Member A's users and the operator's staff read A's dashboard; another member's user gets 404."""
    assert_role_matrix(
        world,
        method="get",
        url=member_url(world.member_a),
        expected={"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200},
    )


def test_member_dashboard_home_role_matrix(world):
    """The dashboard home shows each user their own member's dashboard; staff without a member go to the
    operator's dashboard."""
    assert_role_matrix(
        world,
        method="get",
        url="/achats/tableau-de-bord/",
        expected={"other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 302},
    )


def test_operator_dashboard_role_matrix(world):
    """Only the operator's staff open the operator dashboard; members' users get 404."""
    assert_role_matrix(
        world,
        method="get",
        url=OPERATOR_URL,
        expected={"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 200},
    )


@pytest.mark.parametrize("role", ["purchasing_officer", "education_officer", "supervision_operator"])
def test_every_staff_role_reads_the_operator_dashboard(db, role):
    """Purchasing officers use the operator dashboard; the other staff may read it too."""
    user = UserFactory(staff_role=role)
    assert signed_in(user).get(OPERATOR_URL).status_code == 200


def test_member_dashboard_of_another_member_is_404(world):
    """A's user asking for B's dashboard gets 404, never B's figures."""
    build_dataset(world)
    response = signed_in(world.reader).get(member_url(world.member_b))
    assert response.status_code == 404


def test_member_dashboard_shows_charts_with_their_tables(world):
    """Each chart has an accessible name, its data as JSON for the script, and the same figures in a table."""
    build_dataset(world)
    response = signed_in(world.reader).get("/achats/tableau-de-bord/")
    assert response.status_code == 200
    html = response.content.decode()
    for chart in ("chart-status", "chart-year", "chart-lot"):
        assert f'id="{chart}" role="img" aria-labelledby="{chart}-title"' in html
        assert f'<script id="{chart}-data" type="application/json">' in html
    year_chart = response.context["charts"]["year"]
    assert year_chart["labels"] == ["2024", "2025"] and year_chart["datasets"][0]["data"] == [500.0, 3200.0]
    assert "3\u202f200,00\xa0€" in html  # French grouping and decimal comma
    assert "vendor/chartjs/chart.umd.min.js" in html and "purchasing/charts.js" in html
    assert "Commune de Boulogne" not in html


def test_member_dashboard_empty_state(world):
    """Without orders, the member dashboard says so instead of drawing empty charts."""
    response = signed_in(world.agent).get(member_url(world.member_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aucune commande pour ces critères." in html
    assert "<canvas" not in html


def test_member_dashboard_chooser_for_several_members(world):
    """A user of several members chooses which dashboard to open."""
    MembershipFactory(user=world.reader, member=world.member_b, role=MemberRole.READER)
    response = signed_in(world.reader).get("/achats/tableau-de-bord/")
    assert response.status_code == 200
    html = response.content.decode()
    assert member_url(world.member_a) in html and member_url(world.member_b) in html


def test_bad_filter_is_400_with_a_french_message(world):
    """An invalid filter answers 400 with the form's French error; the figures shown are unfiltered."""
    build_dataset(world)
    response = signed_in(world.reader).get(member_url(world.member_a), {"year": "deux-mille", "status": "volée"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert response.context["data"]["totals"]["orders"] == 2


def test_operator_dashboard_shows_lots_and_departements(world):
    """The operator page shows lot consumption with its alert badge and volumes per département."""
    build_dataset(world)
    response = signed_in(world.staff).get(OPERATOR_URL, {"year": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "80\xa0% atteints" in html and "92,0\xa0%" in html
    assert response.context["charts"]["departement"]["datasets"][0]["data"] == [3200.0, 6000.0]
    for chart in ("chart-lots", "chart-agreement", "chart-savings", "chart-member", "chart-departement"):
        assert f'<script id="{chart}-data" type="application/json">' in html


def test_operator_dashboard_empty_state(world):
    """Without orders or lots, the operator dashboard shows empty states."""
    html = signed_in(world.staff).get(OPERATOR_URL).content.decode()
    assert "Aucun lot d'accord-cadre." in html
    assert "Aucune commande pour ces critères" in html


@pytest.mark.parametrize("which", ["member", "operator"])
def test_page_query_count_does_not_grow_with_orders(world, which):
    """The pages run the same number of queries for 5 orders as for 50."""
    user, url = (world.reader, member_url(world.member_a)) if which == "member" else (world.staff, OPERATOR_URL)
    client = signed_in(user)

    def count() -> int:
        # Counted at the cursor: a request resets connection.queries when it starts.
        queries = []

        def record(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            assert client.get(url, {"year": "2024"}).status_code == 200
        return len(queries)

    _orders(world, 5)
    few = count()
    _orders(world, 45)
    assert count() == few
    assert few > 5  # the figures' queries were seen
