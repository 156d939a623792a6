"""A contribution call as the document a member's treasurer pays from: what the printable page and the PDF both
show (issuer, recipient, number and dates, the basis of each line, the total, the payment instructions)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from stdnum import iban

from mutualis.contributions.choices import CallStatus
from mutualis.contributions.models import ContributionCall, ContributionCallLine
from mutualis.contributions.services import contribution_amount, population_basis_label
from mutualis.core.money import UNIT_SPACE
from mutualis.members.choices import SiteKind
from mutualis.members.models import Member

# Where a member's mail goes when its own address is not filled in: its seat first.
SEAT_SITE_KINDS = [SiteKind.TOWN_HALL, SiteKind.ADMINISTRATIVE]


@dataclass(frozen=True)
class Party:
    """The issuer or the recipient of a call, as printed on it."""

    name: str
    address: str
    siret: str
    siren: str = ""


@dataclass(frozen=True)
class DocumentLine:
    """One competence of the call with the basis and every step of its computation."""

    competence: str
    basis: str
    population: int
    per_inhabitant: Decimal
    floor: Decimal
    yearly: Decimal
    floor_applies: bool
    days_in_force: int
    days_in_year: int
    amount: Decimal

    @property
    def population_text(self) -> str:
        return number_format(self.population, use_l10n=True, force_grouping=True)

    @property
    def basis_text(self) -> str:
        """« 83 918 habitants (population municipale) »; a member without population: its basis alone."""
        if not self.population:
            return capfirst(self.basis)
        return _("%(population)s habitants (%(basis)s)") % {"population": self.population_text, "basis": self.basis}

    @property
    def per_inhabitant_text(self) -> str:
        return f"{number_format(self.per_inhabitant, decimal_pos=4, use_l10n=True)}{UNIT_SPACE}€"

    @property
    def prorated(self) -> bool:
        return self.days_in_force < self.days_in_year


@dataclass(frozen=True)
class Payment:
    """How to pay the call: the operator's account and the reference to quote."""

    holder: str
    iban: str
    bic: str
    reference: str
    due_date: datetime.date


@dataclass(frozen=True)
class CallDocument:
    """Everything a call shows; `payment` is None for a cancelled call (nothing to pay)."""

    call: ContributionCall
    title: str
    issuer: Party
    recipient: Party
    issued_on: datetime.date
    due_date: datetime.date
    lines: list[DocumentLine]
    total: Decimal
    payment: Payment | None

    @property
    def cancelled(self) -> bool:
        return self.call.status == CallStatus.CANCELLED


def issuer() -> Party:
    """The operator, from its settings (OPERATOR_NAME, OPERATOR_ADDRESS, OPERATOR_SIRET)."""
    return Party(name=settings.OPERATOR_NAME, address=settings.OPERATOR_ADDRESS, siret=settings.OPERATOR_SIRET)


def recipient_address(member: Member) -> str:
    """The member's address; when it is not filled in, the address of its seat (town hall or administrative
    building), else of its first site in service; "" when it has none."""
    if member.address:
        return member.address
    rank = {kind: index for index, kind in enumerate(SEAT_SITE_KINDS)}
    sites = sorted(member.sites.filter(is_active=True), key=lambda site: (rank.get(site.kind, len(rank)), site.pk))
    return sites[0].address if sites else ""


def document_line(line: ContributionCallLine, member_kind: str) -> DocumentLine:
    """A call line with its basis and the yearly amount before prorating (the same rule as the issuing)."""
    yearly = contribution_amount(line.population, line.per_inhabitant, line.floor, line.days_in_year, line.days_in_year)
    return DocumentLine(
        competence=line.get_competence_display(),
        basis=population_basis_label(member_kind),
        population=line.population,
        per_inhabitant=line.per_inhabitant,
        floor=line.floor,
        yearly=yearly,
        floor_applies=Decimal(line.population) * line.per_inhabitant < line.floor,
        days_in_force=line.days_in_force,
        days_in_year=line.days_in_year,
        amount=line.amount,
    )


def call_document(call: ContributionCall) -> CallDocument:
    """The call as a document (the call comes from `selectors.call_get`, already scoped to the user)."""
    member = call.member
    payment = None
    if call.status == CallStatus.ISSUED:
        payment = Payment(
            holder=settings.OPERATOR_NAME,
            iban=iban.format(settings.OPERATOR_IBAN),
            bic=settings.OPERATOR_BIC,
            reference=call.number,
            due_date=call.due_date,
        )
    return CallDocument(
        call=call,
        title=_("Appel de cotisation %(number)s") % {"number": call.number},
        issuer=issuer(),
        recipient=Party(name=member.name, address=recipient_address(member), siret=member.siret, siren=member.siren),
        issued_on=timezone.localdate(call.issued_at),
        due_date=call.due_date,
        lines=[document_line(line, member.kind) for line in call.lines.all()],
        total=call.total,
        payment=payment,
    )
