"""Writes of the ProConnect app: who the agent is (identity, account, member) and the audit of every step."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.models import User
from mutualis.accounts.services import user_create
from mutualis.core.services import audit_record
from mutualis.members.models import Member, MembershipRequest
from mutualis.members.selectors import member_for_siren
from mutualis.members.services import membership_request_create
from mutualis.proconnect import rules
from mutualis.proconnect.models import PendingLink, ProConnectIdentity, ProConnectMfaDevice

LINK_LIFETIME = datetime.timedelta(hours=1)
ORIGIN = "proconnect"


@dataclass(frozen=True)
class AgentClaims:
    """What ProConnect says about the agent (userinfo, and `amr` from the ID token)."""

    sub: str
    idp_id: str
    email: str
    given_name: str = ""
    usual_name: str = ""
    siret: str = ""
    uid: str = ""
    amr: list[str] = field(default_factory=list)

    @classmethod
    def from_provider(cls, *, id_claims: dict[str, Any], userinfo: dict[str, Any]) -> "AgentClaims":
        """Build from the verified ID token and userinfo claims."""

        def text(name: str) -> str:
            value = userinfo.get(name, id_claims.get(name, ""))
            return str(value).strip() if value is not None else ""

        amr = id_claims.get("amr") or []
        return cls(
            sub=str(id_claims["sub"]),
            idp_id=text("idp_id"),
            email=User.objects.normalize_email(text("email")).lower(),
            given_name=text("given_name")[:150],
            usual_name=text("usual_name")[:150],
            siret=text("siret").replace(" ", ""),
            uid=text("uid"),
            amr=[str(method) for method in amr] if isinstance(amr, list) else [str(amr)],
        )

    @property
    def multi_factor(self) -> bool:
        """The identity provider did multi-factor authentication (RFC 8176 amr)."""
        return rules.amr_is_multi_factor(self.amr)

    def audit(self) -> dict[str, Any]:
        """What the audit log keeps of the identity."""
        return {"idp_id": self.idp_id, "email": self.email, "siret": self.siret, "amr": self.amr}


class Outcome(StrEnum):
    """What the login with ProConnect leads to."""

    SIGNED_IN = "signed_in"  # a known (or just created) account: sign it in
    PROOF_NEEDED = "proof_needed"  # a local account has this e-mail: its owner must prove it before the link
    NO_MEMBER = "no_member"  # the SIRET is no member's: invite the structure to ask for adhésion
    REFUSED = "refused"  # invalid SIRET, inactive account…


@dataclass
class Resolution:
    """The outcome, with what it concerns."""

    outcome: Outcome
    user: User | None = None
    pending_link: PendingLink | None = None
    join_request: MembershipRequest | None = None
    member: Member | None = None
    message: str = ""


def record_refusal(*, reason: str, claims: AgentClaims | None = None, user: User | None = None) -> None:
    """Audit a ProConnect login refused (bad state, bad signature, invalid SIRET…) with what is known of the agent."""
    audit_record(
        actor=user,
        action="proconnect.refuse",
        obj=user,
        object_type="" if user else "proconnect.login",
        object_repr="" if user else (claims.email if claims else "ProConnect"),
        after=(claims.audit() if claims else {}) | {"reason": reason},
    )


def _identity_touch(identity: ProConnectIdentity, claims: AgentClaims) -> None:
    identity.email, identity.siret, identity.last_login_at = claims.email, claims.siret, timezone.now()
    identity.save(update_fields=["email", "siret", "last_login_at", "updated_at"])


def _identity_create(*, user: User, claims: AgentClaims) -> ProConnectIdentity:
    identity = ProConnectIdentity(
        user=user,
        idp_id=claims.idp_id,
        sub=claims.sub,
        email=claims.email,
        siret=claims.siret,
        last_login_at=timezone.now(),
    )
    identity.full_clean()
    identity.save()
    return identity


@transaction.atomic
def agent_resolve(*, claims: AgentClaims) -> Resolution:
    """Who the agent is: their linked account; else an account with their e-mail (linked only after proof); else a
    new account attached to the member of their SIRET as a pending request; else an invitation to ask for adhésion."""
    if claims.siret and not rules.siret_is_valid(claims.siret):
        record_refusal(reason="siret_invalid", claims=claims)
        return Resolution(
            Outcome.REFUSED,
            message=_(
                "Le SIRET transmis par ProConnect (%(siret)s) n'est pas valide : sa clé de contrôle est fausse. "
                "Demandez à votre fournisseur d'identité de le corriger."
            )
            % {"siret": claims.siret},
        )
    if not claims.email or not claims.idp_id:
        record_refusal(reason="claims_missing", claims=claims)
        return Resolution(Outcome.REFUSED, message=_("ProConnect n'a pas transmis votre adresse électronique."))
    identity = ProConnectIdentity.objects.filter(idp_id=claims.idp_id, sub=claims.sub).select_related("user").first()
    if identity is not None:
        return _known(identity.user, claims, identity=identity)
    user = User.objects.filter(email=claims.email).first()
    if user is not None:
        if user.proconnect_identities.exists():
            # Already linked once after proof: the same agent through another identity provider (another `sub`).
            _identity_create(user=user, claims=claims)
            audit_record(actor=user, action="proconnect.link", obj=user, after=claims.audit() | {"proof": "linked"})
            return _known(user, claims)
        return Resolution(Outcome.PROOF_NEEDED, user=user, pending_link=_pending_link_create(user=user, claims=claims))
    return _newcomer(claims)


def _known(user: User, claims: AgentClaims, identity: ProConnectIdentity | None = None) -> Resolution:
    if not user.is_active:
        record_refusal(reason="account_inactive", claims=claims, user=user)
        return Resolution(Outcome.REFUSED, user=user, message=_("Ce compte est désactivé."))
    if identity is not None:
        _identity_touch(identity, claims)
    return Resolution(Outcome.SIGNED_IN, user=user)


def _newcomer(claims: AgentClaims) -> Resolution:
    member = member_for_siren(siren=rules.siren_of_siret(claims.siret)) if claims.siret else None
    if member is None:
        record_refusal(reason="no_member" if claims.siret else "siret_missing", claims=claims)
        return Resolution(Outcome.NO_MEMBER)
    user = user_create(email=claims.email, first_name=claims.given_name, last_name=claims.usual_name)
    _identity_create(user=user, claims=claims)
    audit_record(actor=user, action="proconnect.account_create", obj=user, member_id=member.pk, after=claims.audit())
    join_request = membership_request_create(member=member, user=user, origin=ORIGIN, acting_user=user)
    return Resolution(Outcome.SIGNED_IN, user=user, join_request=join_request, member=member)


def _pending_link_create(*, user: User, claims: AgentClaims) -> PendingLink:
    link = PendingLink.objects.create(
        user=user,
        idp_id=claims.idp_id,
        sub=claims.sub,
        email=claims.email,
        siret=claims.siret,
        expires_at=timezone.now() + LINK_LIFETIME,
    )
    audit_record(actor=None, action="proconnect.link_request", obj=link, after=claims.audit())
    return link


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def pending_link_send(*, link: PendingLink, confirm_url_for: Any) -> None:
    """E-mail the account's owner a one-use link (1 hour) that proves the address is theirs; a new one replaces
    the previous one."""
    secret = secrets.token_urlsafe(32)
    link.token_hash = _hash(secret)
    link.save(update_fields=["token_hash", "updated_at"])
    context = {"user": link.user, "url": confirm_url_for(secret), "hours": int(LINK_LIFETIME.total_seconds() // 3600)}
    send_mail(
        subject=_("Lier votre identité ProConnect à votre compte Mutualis"),
        message=render_to_string("proconnect/emails/link.txt", context),
        from_email=None,
        recipient_list=[link.user.email],
    )


def pending_link_for_secret(secret: str) -> PendingLink | None:
    """The usable pending link an e-mailed secret opens, or None."""
    if not secret:
        return None
    link = PendingLink.objects.filter(token_hash=_hash(secret)).select_related("user").first()
    return link if link is not None and link.is_usable else None


@transaction.atomic
def pending_link_confirm(*, link: PendingLink, proof: str, acting_user: User) -> ProConnectIdentity:
    """The owner proved the account is theirs (`proof`: "password" or "email"): the identity is linked, once."""
    link = PendingLink.objects.select_for_update().select_related("user").get(pk=link.pk)
    if not link.is_usable or acting_user.pk != link.user_id or not link.user.is_active:
        raise PermissionDenied(_("Ce lien de liaison n'est plus valable : reconnectez-vous avec ProConnect."))
    link.used_at = timezone.now()
    link.save(update_fields=["used_at", "updated_at"])
    identity = ProConnectIdentity.objects.filter(idp_id=link.idp_id, sub=link.sub).first()
    if identity is None:
        identity = ProConnectIdentity.objects.create(
            user=link.user,
            idp_id=link.idp_id,
            sub=link.sub,
            email=link.email,
            siret=link.siret,
            last_login_at=timezone.now(),
        )
    audit_record(
        actor=acting_user,
        action="proconnect.link",
        obj=link.user,
        after={"idp_id": link.idp_id, "email": link.email, "proof": proof},
    )
    return identity


def record_login(*, user: User, idp_id: str, multi_factor: bool, via: str = "proconnect") -> None:
    """Audit a ProConnect login."""
    audit_record(
        actor=user, action="proconnect.login", obj=user, after={"idp_id": idp_id, "mfa": multi_factor, "via": via}
    )


def record_logout(*, user: User | None, idp_id: str) -> None:
    """Audit a logout through ProConnect's end-session endpoint."""
    audit_record(actor=user, action="proconnect.logout", obj=user, after={"idp_id": idp_id})


def mfa_device_for(*, user: User) -> ProConnectMfaDevice:
    """The user's ProConnect multi-factor device (made the first time)."""
    device, _created = ProConnectMfaDevice.objects.get_or_create(
        user=user, defaults={"name": "ProConnect (double authentification)", "confirmed": True}
    )
    return device
