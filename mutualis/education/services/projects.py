"""Educational projects: calls per school year, applications by the collèges of both départements, selection
within capacity with notification, kit loans to the selected classes (through the loan service), year-end outcome."""

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.assets.models import Asset
from mutualis.core.services import audit_record, notify, snapshot
from mutualis.core.validation import Errors
from mutualis.education.choices import APPLICATION_TRANSITIONS, ApplicationStatus, BeneficiaryKind, EstablishmentKind
from mutualis.education.models import Application, Establishment, Loan, ProjectCall
from mutualis.education.services.loans import loan_create

CALL_FIELDS = [
    "school_year",
    "title",
    "description",
    "theme",
    "eligible_classes",
    "capacity",
    "opens_on",
    "closes_on",
    "starts_on",
    "ends_on",
    "kit_description",
    "kit_kind",
]


def call_create(*, acting_user: User, eligible_establishments: Any = (), **fields: Any) -> ProjectCall:
    """Open a call for an educational project (see CALL_FIELDS); no eligible établissement listed means every
    collège of both départements."""
    call = ProjectCall(**{name: value.strip() if isinstance(value, str) else value for name, value in fields.items()})
    call.full_clean()
    with transaction.atomic():
        call.save()
        call.eligible_establishments.set(eligible_establishments)
        audit_record(actor=acting_user, action="education.call_create", obj=call, after=snapshot(call, CALL_FIELDS))
    return call


def is_eligible(*, call: ProjectCall, establishment: Establishment) -> bool:
    """A collège may apply when the call lists it, or when the call lists none (every collège)."""
    if establishment.kind != EstablishmentKind.COLLEGE:
        return False
    listed = call.eligible_establishments.all()
    return not listed.exists() or listed.filter(pk=establishment.pk).exists()


def application_submit(
    *,
    call: ProjectCall,
    establishment: Establishment,
    class_name: str,
    teacher_name: str,
    motivation: str,
    acting_user: User,
    today: datetime.date | None = None,
) -> Application:
    """A collège applies for one of its classes while the call is open."""
    today = today or timezone.localdate()
    errors = Errors()
    if not (call.opens_on <= today <= call.closes_on):
        errors.add(
            None,
            _("Les candidatures sont ouvertes du %(start)s au %(end)s.")
            % {"start": call.opens_on.strftime("%d/%m/%Y"), "end": call.closes_on.strftime("%d/%m/%Y")},
        )
    if not is_eligible(call=call, establishment=establishment):
        errors.add("establishment", _("Cet établissement n'est pas éligible à cet appel (collèges seulement)."))
    application = Application(
        call=call,
        establishment=establishment,
        class_name=class_name.strip().upper(),
        teacher_name=teacher_name.strip(),
        motivation=motivation.strip(),
        submitted_by=acting_user,
    )
    errors.full_clean(application)
    errors.raise_if_any()
    with transaction.atomic():
        application.save()
        audit_record(
            actor=acting_user,
            action="education.application_submit",
            obj=application,
            member_id=establishment.member_id,
            after={"call": call.pk, "class_name": application.class_name},
        )
    return application


def application_decide(*, application: Application, to_status: str, acting_user: User, note: str = "") -> Application:
    """Select or reject an application; selections never pass the call's capacity (the call's row is locked so
    two officers deciding at once cannot both take the last place). The collège's referents are notified."""
    errors = Errors()
    with transaction.atomic():
        call = ProjectCall.objects.select_for_update().get(pk=application.call_id)
        application = Application.objects.select_for_update().select_related("establishment").get(pk=application.pk)
        if to_status not in APPLICATION_TRANSITIONS.get(application.status, set()):
            errors.add(
                "to_status",
                _("Décision impossible depuis « %(status)s ».") % {"status": application.get_status_display()},
            )
        if to_status == ApplicationStatus.SELECTED:
            selected = Application.objects.filter(call=call, status=ApplicationStatus.SELECTED).count()
            if selected >= call.capacity:
                errors.add("to_status", _("Les %(n)d places de l'appel sont déjà attribuées.") % {"n": call.capacity})
        if to_status == ApplicationStatus.REJECTED and application.kit_loans.filter(status="ongoing").exists():
            errors.add("to_status", _("Un kit est prêté à cette classe : enregistrez son retour d'abord."))
        errors.raise_if_any()
        before = snapshot(application, ["status"])
        application.status, application.decision_note = to_status, note.strip()
        application.decided_at = timezone.now()
        application.save()
        audit_record(
            actor=acting_user,
            action="education.application_decide",
            obj=application,
            member_id=application.establishment.member_id,
            before=before,
            after=snapshot(application, ["status"]),
            reason=note,
        )
        selected_now = to_status == ApplicationStatus.SELECTED
        notify(
            recipients=application.establishment.referents.filter(is_active=True),
            kind="education.application_decided",
            title=(
                _("%(call)s : la classe %(cls)s est retenue")
                if selected_now
                else _("%(call)s : la classe %(cls)s n'est pas retenue")
            )
            % {"call": call.title, "cls": application.class_name},
            body=note.strip(),
            url=reverse("education:application_detail", args=[application.pk]),
        )
    return application


def application_kit_loan(
    *,
    application: Application,
    asset: Asset,
    acting_user: User,
    due_on: datetime.date | None = None,
    starts_on: datetime.date | None = None,
) -> Loan:
    """Lend the call's kit to a selected class, through the loan service (the asset becomes « lent »)."""
    errors = Errors()
    application = Application.objects.select_related("call", "establishment").get(pk=application.pk)
    call = application.call
    if application.status != ApplicationStatus.SELECTED:
        errors.add(None, _("Le kit n'est prêté qu'aux classes retenues."))
    if call.kit_kind and asset.kind != call.kit_kind:
        errors.add(
            "asset", _("Le kit de cet appel est de nature « %(kind)s ».") % {"kind": call.get_kit_kind_display()}
        )
    errors.raise_if_any()
    return loan_create(
        asset=asset,
        beneficiary_kind=BeneficiaryKind.CLASS_GROUP,
        beneficiary_reference=application.class_name,
        establishment=application.establishment,
        starts_on=starts_on or max(call.starts_on, timezone.localdate()),
        due_on=due_on or call.ends_on,
        acting_user=acting_user,
        application=application,
        note=_("Kit « %(call)s »") % {"call": call.title},
    )


def application_outcome(*, application: Application, outcome: str, acting_user: User) -> Application:
    """Record the end-of-year outcome of a selected class's project."""
    errors = Errors()
    application = Application.objects.select_related("establishment").get(pk=application.pk)
    if application.status != ApplicationStatus.SELECTED:
        errors.add(None, _("Seule une classe retenue a un bilan de fin d'année."))
    if not outcome.strip():
        errors.add("outcome", _("Rédigez le bilan."))
    errors.raise_if_any()
    with transaction.atomic():
        application.outcome, application.outcome_at = outcome.strip(), timezone.now()
        application.save(update_fields=["outcome", "outcome_at", "updated_at"])
        audit_record(
            actor=acting_user,
            action="education.application_outcome",
            obj=application,
            member_id=application.establishment.member_id,
        )
    return application
