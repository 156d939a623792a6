"""Adhésion requests made online by a public body, through the public form (no account, no acting user)."""

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualis.core.validation import Errors
from mutualis.members.choices import MemberStatus
from mutualis.members.models import AdhesionRequest, Member
from mutualis.members.names import of_member
from mutualis.members.services.members import member_create
from mutualis.members.validators import compact_number
from mutualis.territory.models import Commune


def already_known_error() -> ValidationError:
    """The answer to a body that is already a member or has already asked (whatever its status: SIREN is unique)."""
    return ValidationError(
        {"siren": _("Cette structure est déjà adhérente ou a déjà une demande en cours : contactez l'opérateur.")}
    )


@transaction.atomic
def adhesion_request_submit(
    *,
    name: str,
    kind: str,
    siren: str,
    departement: Any,
    contact_name: str,
    contact_function: str,
    contact_email: str,
    siret: str = "",
    communes: Iterable[Commune] = (),
    intercommunality: Any = None,
    establishment_type: str = "",
    uai: str = "",
    address: str = "",
    contact_phone: str = "",
    competences: Iterable[str] = (),
    message: str = "",
) -> AdhesionRequest:
    """Record a body's online adhésion request: the member (status "requested", through member_create, which
    notifies the administrators) and the request itself; the requester gets an acknowledgment by e-mail.

    The e-mail is sent last, inside the transaction: if the mail server refuses it, nothing is kept and the
    requester can simply submit again.
    """
    if Member.objects.filter(siren=compact_number(siren)).exists():
        raise already_known_error()
    adhesion = AdhesionRequest(
        contact_name=(contact_name or "").strip(),
        contact_function=(contact_function or "").strip(),
        contact_email=(contact_email or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        competences=list(dict.fromkeys(competences)),
        message=(message or "").strip(),
    )
    errors = Errors()
    errors.full_clean(adhesion, exclude=["member"])
    try:
        # A savepoint: a concurrent request for the same SIREN fails on the unique index, not with an error page.
        with transaction.atomic():
            member = member_create(
                acting_user=None,
                name=name,
                kind=kind,
                siren=siren,
                siret=siret,
                departement=departement,
                communes=communes,
                intercommunality=intercommunality,
                establishment_type=establishment_type,
                uai=uai,
                address=address,
                requested_by=adhesion.contact_email,
                requested_on=timezone.localdate(),
            )
    except ValidationError as exc:
        errors.merge(exc)
        errors.raise_if_any()
    except IntegrityError:
        raise already_known_error() from None
    errors.raise_if_any()
    adhesion.member = member
    adhesion.save()
    _send_acknowledgment(adhesion)
    return adhesion


def _mail_context(adhesion: AdhesionRequest, **extra: Any) -> dict[str, Any]:
    return {
        "adhesion": adhesion,
        "member": adhesion.member,
        "of_member": of_member(adhesion.member.name),
        "competences": adhesion.competence_labels(),
        "site_root": settings.SITE_ROOT.rstrip("/"),
    } | extra


def _one_line(subject: str) -> str:
    # A name typed with a line break must not break the mail header.
    return " ".join(subject.split())


def _send_acknowledgment(adhesion: AdhesionRequest) -> None:
    context = _mail_context(adhesion)
    send_mail(
        subject=_one_line(_("Demande d'adhésion %(of_member)s reçue") % {"of_member": context["of_member"]}),
        message=render_to_string("members/emails/adhesion_acknowledgment.txt", context),
        from_email=None,
        recipient_list=[adhesion.contact_email],
    )


# The steps whose outcome the requester is told of: the mail's template and subject.
OUTCOME_EMAILS: dict[str, tuple[str, Any]] = {
    MemberStatus.APPROVED: ("members/emails/adhesion_approved.txt", gettext_lazy("Adhésion %(of_member)s approuvée")),
    MemberStatus.REJECTED: (
        "members/emails/adhesion_rejected.txt",
        gettext_lazy("Demande d'adhésion %(of_member)s refusée"),
    ),
    MemberStatus.ACTIVE: ("members/emails/adhesion_activated.txt", gettext_lazy("Adhésion %(of_member)s en vigueur")),
}


def adhesion_outcome_emails(*, member: Member, to_status: str, reason: str = "", effective: datetime.date) -> int:
    """Tell whoever asked online (each request's contact, once per address) that the adhésion was approved,
    refused (with the reason) or took effect; returns how many e-mails will be sent.

    They leave after the transaction commits, so that no one is told of a step that was then rolled back; the
    step stands if the mail server refuses them (the error is logged).
    """
    template_and_subject = OUTCOME_EMAILS.get(to_status)
    if template_and_subject is None:
        return 0
    template, subject = template_and_subject
    told: set[str] = set()
    for adhesion in member.adhesion_requests.order_by("created_at", "pk"):
        address = adhesion.contact_email.strip().lower()
        if not address or address in told:
            continue
        told.add(address)
        adhesion.member = member  # as it is now, in this transaction
        context = _mail_context(adhesion, reason=reason, effective=effective)
        transaction.on_commit(
            _mailer(
                subject=_one_line(str(subject) % {"of_member": context["of_member"]}),
                message=render_to_string(template, context),
                recipient=adhesion.contact_email,
            ),
            robust=True,
        )
    return len(told)


def _mailer(*, subject: str, message: str, recipient: str) -> Callable[[], None]:
    # A named function, not a partial: Django names the callback when it logs its failure.
    def send_outcome_email() -> None:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[recipient])

    return send_outcome_email
