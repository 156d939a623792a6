"""The ProConnect demo: one linked agent per active demo member, and the local provider's accounts."""

import pytest

from mutualis.members.choices import MemberStatus
from mutualis.members.models import Member
from mutualis.members.tests.factories import MemberFactory
from mutualis.proconnect import demo, rules
from mutualis.proconnect.models import ProConnectIdentity

pytestmark = pytest.mark.django_db


def test_demo_links_one_agent_per_active_member_idempotently(world):
    """Every active member gets one agent linked to ProConnect; a second run adds nothing; the provider's accounts
    cover the linked agents and the other outcomes, with valid SIRETs."""
    MemberFactory(status=MemberStatus.WITHDRAWN)
    demo.load()
    active = Member.objects.filter(status=MemberStatus.ACTIVE).exclude(siren="").count()
    assert ProConnectIdentity.objects.filter(idp_id=demo.DEMO_IDP).count() == active
    assert demo.load() == 0
    accounts = demo.provider_accounts()
    assert len(accounts) == active + 3
    assert all(rules.siret_is_valid(account["siret"]) for account in accounts.values())
