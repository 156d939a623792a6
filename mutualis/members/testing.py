"""Tenancy test harness (a pytest plugin listed in the root conftest): the `world` fixture and role matrices.

Every protected route of every app is tested with a role matrix: the same request sent by each of ROLES, each
from a fresh client, with the status code expected for that role — and, whenever the request is refused, proof
that it changed nothing.

    from mutualis.members.testing import assert_role_matrix, rows

    def test_site_update_matrix(world):
        '''Agents and managers of member A and administrators edit its sites; no one else.'''
        site = world.site_a
        assert_role_matrix(
            world,
            method="post",
            url=f"/espace/sites/{site.pk}/modifier/",
            data={"name": "Mairie annexe", ...},
            expected={"other_member": 404, "reader": 403, "agent": 302, "manager": 302, "staff": 302},
            state=lambda: rows(Site.objects.filter(pk=site.pk)),
        )

The world (see `World`): member A (active, two competences, one site) with a reader, an agent and a manager;
member B (active, one site) whose manager is `other_member`; `staff`, an operator administrator (signed in as
after TOTP). Roles, in the order they are tried: anonymous, other_member, reader, agent, manager, staff.

- `expected` maps role → status code. "anonymous" may be left out: it then expects 302 to the login page for a
  page, 401 for the API (where 403 is accepted too: DRF answers 403 to anonymous session clients).
- `data` is sent as form data to pages, as JSON to the API (`api=True`); `url` and `data` may be callables
  taking the role name, for requests that must differ per role (e.g. a unique name).
- `state` is a callable returning a snapshot of what the request could change (`rows(queryset)` helps); it is
  compared before/after every refused request (status ≥ 400, or anonymous).
- Requests that succeed do change the data; order the expectations accordingly (roles run in ROLES order).

`build_world()` builds the same world outside the fixture (browser tests, transactional tests).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import resolve_url
from django.test import Client

from mutualis.core.testing import login_as

ROLES = ("anonymous", "other_member", "reader", "agent", "manager", "staff")


@dataclass
class World:
    """Two members and a user for every role of the matrix (None for anonymous)."""

    member_a: Any
    member_b: Any
    site_a: Any
    site_b: Any
    users: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def membership(self, role: str) -> Any:
        """The membership in member A of the user of that role."""
        return self.member_a.memberships.get(user=self.users[role])


def build_world() -> World:
    """Member A (Versailles, active, competences, a site) with reader/agent/manager; member B (Boulogne-Billancourt)
    with its manager `other_member`; `staff`, an operator administrator."""
    import datetime

    from mutualis.accounts.tests.factories import StaffFactory, UserFactory
    from mutualis.members.choices import Competence, MemberRole
    from mutualis.members.tests import factories

    member_a = factories.commune_member("78646")
    member_b = factories.commune_member("92012")
    factories.CompetenceTransferFactory(
        member=member_a, competence=Competence.CENTRAL_PURCHASING, start_date=datetime.date(2024, 1, 1)
    )
    factories.CompetenceTransferFactory(
        member=member_a, competence=Competence.VIDEO_PROTECTION, start_date=datetime.date(2025, 1, 1)
    )
    factories.CompetenceTransferFactory(
        member=member_b, competence=Competence.EV_CHARGING, start_date=datetime.date(2024, 6, 1)
    )
    site_a = factories.SiteFactory(member=member_a, name="Hôtel de ville de Versailles", kind="town_hall")
    site_b = factories.SiteFactory(member=member_b, name="Hôtel de ville de Boulogne-Billancourt", kind="town_hall")
    users: dict[str, Any] = {"anonymous": None}
    for role in (MemberRole.READER, MemberRole.AGENT, MemberRole.MANAGER):
        users[role.value] = UserFactory(email=f"{role.value}@versailles.example.fr")
        factories.MembershipFactory(user=users[role.value], member=member_a, role=role)
    users["other_member"] = UserFactory(email="manager@boulogne.example.fr")
    factories.MembershipFactory(user=users["other_member"], member=member_b, role=MemberRole.MANAGER)
    users["staff"] = StaffFactory(email="admin@operateur.example.fr")
    return World(member_a=member_a, member_b=member_b, site_a=site_a, site_b=site_b, users=users)


@pytest.fixture
def world(db: Any) -> World:
    """Two members and one user per role (see the module docstring)."""
    return build_world()


def rows(queryset: QuerySet) -> list[dict[str, Any]]:
    """Every column of every row, in primary-key order: a snapshot for `state=`."""
    return list(queryset.order_by("pk").values())


def _send(client: Client, method: str, url: str, data: Any, api: bool) -> Any:
    method = method.lower()
    if method in {"get", "head"}:
        return getattr(client, method)(url, data or {})
    if api:
        body = json.dumps(data if data is not None else {})
        return client.generic(method.upper(), url, body, content_type="application/json")
    if method == "post":
        return client.post(url, data or {})
    return client.generic(method.upper(), url)


def assert_role_matrix(
    world: World,
    *,
    method: str,
    url: str | Callable[[str], str],
    expected: dict[str, int],
    data: Any = None,
    state: Callable[[], Any] | None = None,
    api: bool = False,
) -> None:
    """Send the request as every role and check each status; refused requests must leave `state()` unchanged."""
    missing = [role for role in ROLES if role != "anonymous" and role not in expected]
    if missing:
        raise ValueError(f"assert_role_matrix: no expected status for {missing}")
    login_url = resolve_url(settings.LOGIN_URL)
    failures: list[str] = []
    for role in ROLES:
        client = Client()
        user = world.users.get(role)
        if user is not None:
            login_as(client, user)
        target = url(role) if callable(url) else url
        payload = data(role) if callable(data) else data
        want = expected.get(role, 401 if api else 302)
        before = state() if state is not None else None
        response = _send(client, method, target, payload, api)
        got = response.status_code
        accepted = {want} | ({401, 403} if role == "anonymous" and api and want == 401 else set())
        if got not in accepted:
            failures.append(f"{role}: {method.upper()} {target} → {got}, expected {want}")
        elif role == "anonymous" and not api and got == 302 and not response["Location"].startswith(login_url):
            failures.append(f"anonymous: redirected to {response['Location']}, expected the login page")
        refused = got >= 400 or role == "anonymous"
        if state is not None and refused and state() != before:
            failures.append(f"{role}: the refused request ({got}) changed the data")
    assert not failures, "Role matrix failed:\n" + "\n".join(failures)
