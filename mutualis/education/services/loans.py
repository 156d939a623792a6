"""Device loans: lend an asset to a beneficiary (the asset becomes « lent » through assets.services), take it back
(« in stock », or « in repair » when damaged), remind overdue borrowers; inclusion programmes and crisis campaigns.

An asset on loan cannot be lent twice: the asset's row is locked while the loan is written, and a partial unique
constraint keeps one ongoing loan per asset whatever happens.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.assets.choices import AssetStatus
from mutualis.assets.models import Asset
from mutualis.assets.services import asset_transition
from mutualis.core.services import audit_record, notify, snapshot
from mutualis.core.validation import Errors
from mutualis.education import rules
from mutualis.education.choices import CampaignStatus, Condition, LoanStatus
from mutualis.education.models import (
    CampaignBeneficiary,
    CrisisCampaign,
    Establishment,
    InclusionProgramme,
    Loan,
)
from mutualis.education.services.establishments import raise_error
from mutualis.members.choices import MemberRole
from mutualis.members.models import Member, Site

LENDABLE_STATUSES = {AssetStatus.IN_STOCK, AssetStatus.IN_SERVICE}
LOAN_FIELDS = [
    "asset_id",
    "beneficiary_kind",
    "establishment_id",
    "beneficiary_member_id",
    "starts_on",
    "due_on",
    "condition_out",
    "deposit",
    "programme_id",
    "campaign_id",
    "application_id",
]
# A borrower is reminded once a week at most while the loan is overdue.
REMINDER_INTERVAL = datetime.timedelta(days=7)


def loan_create(
    *,
    asset: Asset,
    beneficiary_kind: str,
    beneficiary_reference: str,
    starts_on: datetime.date,
    due_on: datetime.date,
    acting_user: User,
    establishment: Establishment | None = None,
    beneficiary_member: Member | None = None,
    condition_out: str = Condition.GOOD,
    deposit: Decimal = Decimal("0"),
    note: str = "",
    programme: InclusionProgramme | None = None,
    campaign: CrisisCampaign | None = None,
    application: Any = None,
) -> Loan:
    """Lend an asset in stock or in service to a beneficiary; the asset becomes « lent »."""
    errors = Errors()
    errors.check(rules.assert_lendable_kind, asset.kind)
    errors.check(
        rules.assert_beneficiary,
        kind=beneficiary_kind,
        reference=beneficiary_reference,
        has_establishment=establishment is not None,
        member_kind=beneficiary_member.kind if beneficiary_member else "",
        member_establishment_type=beneficiary_member.establishment_type if beneficiary_member else "",
    )
    with transaction.atomic():
        # Why the lock: two officers lending the same tablet at once would both see it in stock; the second waits
        # here and then finds it lent.
        locked = Asset.objects.select_for_update().get(pk=asset.pk)
        ongoing = Loan.objects.filter(asset=locked, status=LoanStatus.ONGOING).first()
        if ongoing is not None:
            errors.add(
                "asset",
                _("Cet équipement est déjà prêté (prêt n° %(pk)d, retour prévu le %(due)s).")
                % {"pk": ongoing.pk, "due": ongoing.due_on.strftime("%d/%m/%Y")},
            )
        elif locked.status not in LENDABLE_STATUSES:
            errors.add(
                "asset",
                _("Un équipement « %(status)s » ne peut pas être prêté.") % {"status": locked.get_status_display()},
            )
        loan = Loan(
            asset=locked,
            beneficiary_kind=beneficiary_kind,
            beneficiary_reference=beneficiary_reference.strip(),
            establishment=establishment,
            beneficiary_member=beneficiary_member,
            starts_on=starts_on,
            due_on=due_on,
            condition_out=condition_out,
            deposit=deposit,
            note=note.strip(),
            programme=programme,
            campaign=campaign,
            application=application,
            lent_by=acting_user,
        )
        errors.full_clean(loan, validate_constraints=not errors.has("asset"))
        errors.raise_if_any()
        loan.save()
        asset_transition(
            asset=locked,
            to_status=AssetStatus.LENT,
            acting_user=acting_user,
            note=_("Prêt n° %(pk)d") % {"pk": loan.pk},
        )
        audit_record(
            actor=acting_user,
            action="education.loan_create",
            obj=loan,
            member_id=locked.member_id,
            after=snapshot(loan, LOAN_FIELDS),
        )
    return loan


def loan_return(
    *, loan: Loan, returned_on: datetime.date, condition_back: str, acting_user: User, note: str = ""
) -> Loan:
    """Take a device back: « in stock » again, or « in repair » when it came back damaged."""
    errors = Errors()
    with transaction.atomic():
        loan = Loan.objects.select_for_update().select_related("asset").get(pk=loan.pk)
        if loan.status != LoanStatus.ONGOING:
            errors.add(None, _("Ce prêt est déjà clos."))
        if returned_on < loan.starts_on:
            errors.add("returned_on", _("Le retour ne peut précéder le début du prêt."))
        if condition_back not in Condition.values:
            errors.add("condition_back", _("Indiquez l'état au retour."))
        errors.raise_if_any()
        loan.status, loan.returned_on, loan.condition_back = LoanStatus.RETURNED, returned_on, condition_back
        loan.returned_to = acting_user
        if note.strip():
            loan.note = "\n".join(filter(None, [loan.note, note.strip()]))
        loan.save()
        to_status = AssetStatus.IN_REPAIR if condition_back == Condition.DAMAGED else AssetStatus.IN_STOCK
        asset_transition(
            asset=loan.asset,
            to_status=to_status,
            acting_user=acting_user,
            note=_("Retour du prêt n° %(pk)d") % {"pk": loan.pk},
        )
        audit_record(
            actor=acting_user,
            action="education.loan_return",
            obj=loan,
            member_id=loan.asset.member_id,
            after={"returned_on": returned_on, "condition_back": condition_back, "asset_status": to_status},
        )
    return loan


def _reminder_recipients(loan: Loan) -> list[Any]:
    """The établissement's referents and the lending member's managers."""
    users = list(loan.establishment.referents.filter(is_active=True)) if loan.establishment else []
    users += list(
        get_user_model().objects.filter(
            is_active=True, memberships__member_id=loan.asset.member_id, memberships__role=MemberRole.MANAGER
        )
    )
    return users


def loan_remind(*, loan: Loan, today: datetime.date | None = None) -> int:
    """Remind an overdue loan (notification, e-mailed by the worker), once a week at most; returns how many
    people were told (0 when not due for a reminder)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        loan = Loan.objects.select_for_update(of=("self",)).select_related("asset", "establishment").get(pk=loan.pk)
        if loan.status != LoanStatus.ONGOING or loan.due_on >= today:
            return 0
        if loan.reminded_on and today - loan.reminded_on < REMINDER_INTERVAL:
            return 0
        recipients = _reminder_recipients(loan)
        days = (today - loan.due_on).days
        sent = notify(
            recipients=recipients,
            kind="education.loan_overdue",
            title=_("Prêt en retard : %(asset)s (%(days)d jour(s))") % {"asset": loan.asset.designation, "days": days},
            body=_("Le prêt n° %(pk)d (%(serial)s) devait être rendu le %(due)s. Merci d'organiser son retour.")
            % {"pk": loan.pk, "serial": loan.asset.serial_number, "due": loan.due_on.strftime("%d/%m/%Y")},
            url=reverse("education:loan_detail", args=[loan.pk]),
        )
        loan.reminded_on = today
        loan.save(update_fields=["reminded_on", "updated_at"])
        audit_record(
            actor=None,
            action="education.loan_remind",
            obj=loan,
            member_id=loan.asset.member_id,
            after={"days_late": days, "recipients": sent},
        )
    return sent


def loan_remind_overdue(*, today: datetime.date | None = None) -> int:
    """Remind every overdue loan due for a reminder; returns the number of loans reminded. Safe to run twice."""
    today = today or timezone.localdate()
    overdue = Loan.objects.filter(status=LoanStatus.ONGOING, due_on__lt=today).values_list("pk", flat=True)
    return sum(1 for pk in list(overdue) if loan_remind(loan=Loan(pk=pk), today=today))


def inclusion_programme_create(
    *, member: Member, school_year: str, title: str, acting_user: User
) -> InclusionProgramme:
    """Open a département's inclusion programme for a school year."""
    programme = InclusionProgramme(member=member, school_year=school_year.strip(), title=title.strip())
    errors = Errors()
    errors.full_clean(programme)
    if member.kind != "departement":
        errors.add("member", _("Le programme inclusion est celui d'un département (ses collèges)."))
    errors.raise_if_any()
    with transaction.atomic():
        programme.save()
        audit_record(actor=acting_user, action="education.inclusion_create", obj=programme, member_id=member.pk)
    return programme


def campaign_create(
    *,
    member: Member,
    title: str,
    quantity: int,
    starts_on: datetime.date,
    due_on: datetime.date,
    acting_user: User,
    asset_kind: str = "tablet",
) -> CrisisCampaign:
    """Open a crisis campaign: N devices of a kind to lend to a list of beneficiaries."""
    campaign = CrisisCampaign(
        member=member, title=title.strip(), quantity=quantity, starts_on=starts_on, due_on=due_on, asset_kind=asset_kind
    )
    errors = Errors()
    errors.full_clean(campaign)
    errors.check(rules.assert_lendable_kind, asset_kind)
    errors.raise_if_any()
    with transaction.atomic():
        campaign.save()
        audit_record(
            actor=acting_user,
            action="education.campaign_create",
            obj=campaign,
            member_id=member.pk,
            after={"quantity": quantity, "asset_kind": asset_kind},
        )
    return campaign


def campaign_beneficiary_add(
    *,
    campaign: CrisisCampaign,
    kind: str,
    reference: str,
    site: Site,
    acting_user: User,
    beneficiary_member: Member | None = None,
    establishment: Establishment | None = None,
) -> CampaignBeneficiary:
    """Add a person to a campaign's list (by pseudonym), with the site where the device is handed over."""
    errors = Errors()
    errors.check(
        rules.assert_beneficiary,
        kind=kind,
        reference=reference,
        has_establishment=establishment is not None,
        member_kind=beneficiary_member.kind if beneficiary_member else "",
        member_establishment_type=beneficiary_member.establishment_type if beneficiary_member else "",
    )
    line = CampaignBeneficiary(
        campaign=campaign,
        kind=kind,
        reference=reference.strip(),
        site=site,
        beneficiary_member=beneficiary_member,
        establishment=establishment,
    )
    errors.full_clean(line)
    if campaign.beneficiaries.count() >= campaign.quantity:
        errors.add(
            None,
            _("La liste compte déjà %(n)d bénéficiaires, autant que d'équipements prévus.") % {"n": campaign.quantity},
        )
    errors.raise_if_any()
    with transaction.atomic():
        line.save()
        audit_record(
            actor=acting_user,
            action="education.campaign_beneficiary_add",
            obj=campaign,
            member_id=campaign.member_id,
            after={"kind": kind, "site": site.pk},
        )
    return line


def campaign_allocate(*, campaign: CrisisCampaign, acting_user: User) -> int:
    """Lend a device in stock of the campaign's kind to each beneficiary who has none yet (up to the campaign's
    quantity); returns how many were allocated. All or nothing; running it again allocates only what is missing."""
    if campaign.status != CampaignStatus.OPEN:
        raise_error(None, _("La campagne est close."))
    with transaction.atomic():
        waiting = list(
            campaign.beneficiaries.filter(loan__isnull=True).select_related(
                "beneficiary_member", "establishment", "site"
            )
        )
        allocated = campaign.beneficiaries.filter(loan__isnull=False).count()
        waiting = waiting[: max(campaign.quantity - allocated, 0)]
        stock = list(
            Asset.objects.select_for_update()
            .filter(member=campaign.member, kind=campaign.asset_kind, status=AssetStatus.IN_STOCK)
            .exclude(education_loans__status=LoanStatus.ONGOING)
            .order_by("serial_number", "pk")[: len(waiting)]
        )
        if len(stock) < len(waiting):
            raise_error(
                None,
                _("Pas assez d'équipements en stock : %(stock)d pour %(needed)d bénéficiaire(s).")
                % {"stock": len(stock), "needed": len(waiting)},
            )
        for line, asset in zip(waiting, stock, strict=True):
            line.loan = loan_create(
                asset=asset,
                beneficiary_kind=line.kind,
                beneficiary_reference=line.reference,
                starts_on=campaign.starts_on,
                due_on=campaign.due_on,
                acting_user=acting_user,
                establishment=line.establishment,
                beneficiary_member=line.beneficiary_member,
                campaign=campaign,
            )
            line.save(update_fields=["loan", "updated_at"])
        audit_record(
            actor=acting_user,
            action="education.campaign_allocate",
            obj=campaign,
            member_id=campaign.member_id,
            after={"allocated": len(waiting)},
        )
    return len(waiting)


def campaign_deliver(
    *, line: CampaignBeneficiary, delivered_on: datetime.date, acting_user: User
) -> CampaignBeneficiary:
    """Record that a beneficiary received their device at the site."""
    if line.loan_id is None:
        raise_error(None, _("Aucun équipement n'est encore attribué à ce bénéficiaire."))
    with transaction.atomic():
        line.delivered_on = delivered_on
        line.save(update_fields=["delivered_on", "updated_at"])
        audit_record(
            actor=acting_user,
            action="education.campaign_deliver",
            obj=line.campaign,
            member_id=line.campaign.member_id,
            after={"line": line.pk, "delivered_on": delivered_on},
        )
    return line
