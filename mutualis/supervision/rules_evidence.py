"""The legal frame of recordings, evidence, requisitions and the right of access, as named pure functions (no ORM).

Code de la sécurité intérieure (CSI) L252-3, L252-5, L253-5; code de procédure pénale (CPP) 60-1, 77-1-1, 99-3;
RGPD art. 12-3. The services call these; `tests/test_rules_evidence.py` cites the article of each.
"""

import datetime
from collections.abc import Iterable

from mutualis.core.dates import add_months
from mutualis.supervision import rules

# CPP articles under which an officer may require images.
REQUISITION_BASES = frozenset({"cpp_60_1", "cpp_77_1_1", "cpp_99_3"})
# CSI L253-5: the only grounds on which access may be refused.
REFUSAL_GROUNDS = frozenset({"state_security", "defence", "public_safety", "proceedings", "third_parties"})
# RGPD art. 12-3: the controller answers within one month of receipt.
ACCESS_ANSWER_MONTHS = 1


def site_retention_days(*, authorised_days: Iterable[int]) -> int:
    """The retention that applies to a site's recordings: the shortest one its authorisations set, never more than
    30 days, and 30 days at most when no authorisation says otherwise (CSI L252-5: « dans un délai maximum fixé par
    l'autorisation ; ce délai ne peut excéder un mois »)."""
    days = [d for d in authorised_days if d > 0]
    return min([*days, rules.MAX_RETENTION_DAYS])


def recording_destroy_due(
    *, ends_at: datetime.datetime, retention_days: int, legal_hold: bool, now: datetime.datetime
) -> bool:
    """A recording (or an evidence copy) must be destroyed once its retention has run from the end of the recorded
    period, save a judicial inquiry or proceeding that holds it (CSI L252-5: « hormis le cas d'une enquête de
    flagrant délit, d'une enquête préliminaire ou d'une information judiciaire »)."""
    if legal_hold:
        return False
    return now >= ends_at + datetime.timedelta(days=min(retention_days, rules.MAX_RETENTION_DAYS))


def frozen_by_access_request(*, overlaps_open_access_request: bool) -> bool:
    """A recording a person has asked to see is not destroyed before the request is answered: destroying it would
    defeat the right of access of CSI L253-5 (RGPD art. 12-3 and 15)."""
    return overlaps_open_access_request


def requisition_basis_allowed(basis: str) -> bool:
    """Images are handed over only on a requisition made under CPP 60-1 (flagrance), 77-1-1 (preliminary inquiry)
    or 99-3 (judicial investigation); any other request is no legal ground to disclose them."""
    return basis in REQUISITION_BASES


def evidence_on_hold(*, under_requisition: bool, manual_hold: bool) -> bool:
    """Evidence extracted for a requisition is held from its extraction, handed over yet or not, and so is what the
    operator holds for a proceeding announced: kept outside the retention period (CSI L252-5)."""
    return under_requisition or manual_hold


def range_allowed(*, starts_at: datetime.datetime, ends_at: datetime.datetime) -> bool:
    """A requested range runs forward and covers at most a day: a requisition names the period it needs (CPP 60-1
    « informations intéressant l'enquête », proportionate)."""
    return starts_at < ends_at <= starts_at + datetime.timedelta(days=1)


def access_answer_deadline(received_on: datetime.date) -> datetime.date:
    """The day by which a right-of-access request is answered: one month after receipt (RGPD art. 12-3, applied to
    the access of CSI L253-5)."""
    return add_months(received_on, ACCESS_ANSWER_MONTHS)


def access_request_overdue(*, deadline: datetime.date, answered: bool, day: datetime.date) -> bool:
    """An unanswered request is late the day after its deadline (RGPD art. 12-3, CSI L253-5)."""
    return not answered and day > deadline


def refusal_ground_allowed(ground: str) -> bool:
    """Access is of right; it is refused only for State security, defence, public safety, proceedings before the
    courts or the operations preliminary to them, or the rights of third parties (CSI L253-5)."""
    return ground in REFUSAL_GROUNDS


def access_export_needs_masking(*, third_parties_visible: bool) -> bool:
    """Images shown to a person hide the other people filmed (CSI L253-5 « droit des tiers »; CNIL): an export with
    third parties visible must say what was masked."""
    return third_parties_visible


def access_export_masking_missing(*, third_parties_visible: bool, masked_regions: int, note: str) -> bool:
    """An export with third parties visible is not handed over until they are hidden — regions masked on its files
    — or the operator states what was done for them (CSI L253-5 « droit des tiers »; CNIL)."""
    return access_export_needs_masking(third_parties_visible=third_parties_visible) and not (
        masked_regions > 0 or (note or "").strip()
    )
