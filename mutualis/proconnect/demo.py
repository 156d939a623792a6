"""The demo identities of the local ProConnect provider (`make run`): one linked agent per active demo member, and
three agents showing the other outcomes — a new agent of a member (pending request), an agent of no member
(adhésion invitation), an agent whose e-mail is a local demo account's (link after proof)."""

from typing import Any

from django.db import transaction

from mutualis.accounts.models import User
from mutualis.accounts.services import DEMO_EMAIL_DOMAIN, user_create
from mutualis.members.choices import MemberRole, MemberStatus
from mutualis.members.models import Member, Membership
from mutualis.members.services import membership_add
from mutualis.proconnect.models import ProConnectIdentity

DEMO_IDP = "fi-demo-mutualis"
DEMO_PASSWORD = "proconnect-demo"  # published on purpose: the local provider only, never a real account
# A valid SIRET of no demo member (the Luhn key computed with python-stdnum): « structure not yet a member ».
UNKNOWN_SIRET = "13002526500013"
# Not the demo accounts' domain: those all carry the published demo password, these agents have none (ProConnect).
AGENTS_DOMAIN = "agents." + DEMO_EMAIL_DOMAIN


def _nic_siret(siren: str, nic: str) -> str:
    from stdnum import luhn

    return siren + nic + luhn.calc_check_digit(siren + nic)


def agent_email(member: Member) -> str:
    """The demo agent of a member."""
    return f"proconnect.{member.siren}@{AGENTS_DOMAIN}"


@transaction.atomic
def load() -> int:
    """Create the demo agents linked to ProConnect (idempotent); the number created."""
    created = 0
    # As if the operator's administrator had attached them (the demo journal names who acted).
    admin = User.objects.filter(email=f"admin@{DEMO_EMAIL_DOMAIN}").first()
    for member in Member.objects.filter(status=MemberStatus.ACTIVE).exclude(siren="").order_by("pk"):
        email = agent_email(member)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email, first_name="Agent", last_name=f"ProConnect ({member.name})", acting_user=admin
            )
            created += 1
        if not Membership.objects.filter(user=user, member=member).exists():
            membership_add(member=member, user=user, role=MemberRole.AGENT, acting_user=admin)
        ProConnectIdentity.objects.get_or_create(
            idp_id=DEMO_IDP, sub=f"demo-{member.siren}", defaults={"user": user, "email": email, "siret": member.siret}
        )
    return created


def provider_accounts() -> dict[str, Any]:
    """The local provider's accounts: the linked agents, and one of each other outcome."""
    accounts: dict[str, Any] = {}
    identities = ProConnectIdentity.objects.filter(idp_id=DEMO_IDP).select_related("user").order_by("pk")
    for identity in identities:
        accounts[identity.email] = {
            "sub": identity.sub,
            "given_name": identity.user.first_name,
            "usual_name": identity.user.last_name,
            "siret": identity.siret,
            "idp_id": DEMO_IDP,
            "password": DEMO_PASSWORD,
        }
    first = Member.objects.filter(status=MemberStatus.ACTIVE).exclude(siren="").order_by("pk").first()
    if first is not None:
        accounts[f"nouvel.agent@{AGENTS_DOMAIN}"] = {
            "given_name": "Nouvel",
            "usual_name": "Agent",
            "siret": _nic_siret(first.siren, "0099"),
            "idp_id": DEMO_IDP,
            "password": DEMO_PASSWORD,
        }
        manager = Membership.objects.filter(member=first, role=MemberRole.MANAGER).select_related("user").first()
        if manager is not None:
            accounts[manager.user.email] = {
                "given_name": manager.user.first_name,
                "usual_name": manager.user.last_name,
                "siret": first.siret or _nic_siret(first.siren, "0001"),
                "idp_id": DEMO_IDP,
                "password": DEMO_PASSWORD,
            }
    accounts[f"agent.non-adherent@{AGENTS_DOMAIN}"] = {
        "given_name": "Agent",
        "usual_name": "Non adhérent",
        "siret": UNKNOWN_SIRET,
        "idp_id": DEMO_IDP,
        "password": DEMO_PASSWORD,
    }
    return accounts
