"""Fixtures of the contributions tests: two members with known populations, their users, issued 2025 calls.

Role matrices use the members app's `world` fixture instead (see test_views_roles.py)."""

from dataclasses import dataclass
from typing import Any

import pytest

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.contributions.models import ContributionCall
from mutualis.contributions.services import call_issue_year
from mutualis.contributions.tests.factories import MembershipFactory, RateFactory, commune_member
from mutualis.members.choices import Competence, MemberRole


@dataclass
class ContributionWorld:
    """Two members with 2025 calls (known amounts); users of the first, a manager of the second, and staff."""

    member: Any
    other_member: Any
    call: ContributionCall
    other_call: ContributionCall
    users: dict[str, Any]


@pytest.fixture
def contribution_world(db) -> ContributionWorld:
    admin = StaffFactory(email="admin@operateur.fr")
    RateFactory(year=2025, competence=Competence.CENTRAL_PURCHASING, per_inhabitant="0.1500", floor="500")
    RateFactory(year=2025, competence=Competence.BROADBAND, per_inhabitant="0.3000", floor="800")
    member = commune_member(
        name="Ville de Versailles", population=83_918, competences=[Competence.CENTRAL_PURCHASING, Competence.BROADBAND]
    )
    other = commune_member(name="Ville de Montrouge", population=50_260)
    call_issue_year(year=2025, acting_user=admin)
    users = {
        "anonymous": None,
        "other_member": MembershipFactory(member=other, role=MemberRole.MANAGER).user,
        "reader": MembershipFactory(member=member, role=MemberRole.READER).user,
        "manager": MembershipFactory(member=member, role=MemberRole.MANAGER).user,
        "staff": StaffFactory(staff_role="purchasing_officer"),
        "administrator": admin,
    }
    return ContributionWorld(
        member=member,
        other_member=other,
        call=ContributionCall.objects.get(member=member),
        other_call=ContributionCall.objects.get(member=other),
        users=users,
    )
