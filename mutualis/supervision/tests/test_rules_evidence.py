"""The legal rules of recordings, evidence, requisitions and the right of access, each citing its article."""

import datetime

from mutualis.supervision import rules_evidence as rules

D = datetime.date
T = datetime.datetime


def test_site_retention_is_the_authorised_one_never_more_than_a_month():
    """CSI L252-5: recordings are destroyed within the time the authorisation sets, never more than one month."""
    assert rules.site_retention_days(authorised_days=[15]) == 15
    assert rules.site_retention_days(authorised_days=[45]) == 30
    assert rules.site_retention_days(authorised_days=[]) == 30
    assert rules.site_retention_days(authorised_days=[20, 10]) == 10


def test_recording_destroyed_once_retention_ran_out_unless_held():
    """CSI L252-5: destroyed at the end of the retention « hormis le cas d'une enquête de flagrant délit, d'une
    enquête préliminaire ou d'une information judiciaire » (legal hold)."""
    end = T(2026, 1, 1, 12, 0, tzinfo=datetime.UTC)
    just_before = end + datetime.timedelta(days=10) - datetime.timedelta(seconds=1)
    assert not rules.recording_destroy_due(ends_at=end, retention_days=10, legal_hold=False, now=just_before)
    assert rules.recording_destroy_due(
        ends_at=end, retention_days=10, legal_hold=False, now=end + datetime.timedelta(days=10)
    )
    assert not rules.recording_destroy_due(
        ends_at=end, retention_days=10, legal_hold=True, now=end + datetime.timedelta(days=90)
    )
    # A retention above the legal maximum is read as 30 days.
    assert rules.recording_destroy_due(
        ends_at=end, retention_days=90, legal_hold=False, now=end + datetime.timedelta(days=30)
    )


def test_requisition_only_under_cpp_60_1_77_1_1_99_3():
    """CPP 60-1 (flagrance), 77-1-1 (enquête préliminaire), 99-3 (instruction): the only requisitions of images."""
    assert all(rules.requisition_basis_allowed(b) for b in ("cpp_60_1", "cpp_77_1_1", "cpp_99_3"))
    assert not rules.requisition_basis_allowed("courrier_simple")
    assert not rules.requisition_basis_allowed("")


def test_evidence_under_requisition_is_on_legal_hold():
    """CSI L252-5: what is extracted for a judicial inquiry is kept for it, outside the retention period."""
    assert rules.evidence_on_hold(under_requisition=True, manual_hold=False)
    assert rules.evidence_on_hold(under_requisition=False, manual_hold=True)
    assert not rules.evidence_on_hold(under_requisition=False, manual_hold=False)


def test_requested_range_runs_forward_one_day_at_most():
    """CPP 60-1: a requisition names the information the inquiry needs — a forward period, a day at most each."""
    start = T(2026, 1, 1, 10, tzinfo=datetime.UTC)
    assert rules.range_allowed(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    assert not rules.range_allowed(starts_at=start, ends_at=start)
    assert not rules.range_allowed(starts_at=start, ends_at=start + datetime.timedelta(days=1, seconds=1))


def test_access_answered_within_one_month_and_late_after():
    """CSI L253-5 (access of right) with RGPD art. 12-3: the answer is due one month after receipt."""
    assert rules.access_answer_deadline(D(2026, 1, 31)) == D(2026, 2, 28)
    assert rules.access_answer_deadline(D(2026, 3, 10)) == D(2026, 4, 10)
    assert not rules.access_request_overdue(deadline=D(2026, 4, 10), answered=False, day=D(2026, 4, 10))
    assert rules.access_request_overdue(deadline=D(2026, 4, 10), answered=False, day=D(2026, 4, 11))
    assert not rules.access_request_overdue(deadline=D(2026, 4, 10), answered=True, day=D(2026, 5, 1))


def test_access_refused_only_on_the_grounds_of_l253_5():
    """CSI L253-5: refusal only for State security, defence, public safety, proceedings or their preliminary
    operations, or the rights of third parties."""
    for ground in ("state_security", "defence", "public_safety", "proceedings", "third_parties"):
        assert rules.refusal_ground_allowed(ground)
    assert not rules.refusal_ground_allowed("convenience")
    assert not rules.refusal_ground_allowed("")


def test_third_parties_visible_means_masking_stated():
    """CSI L253-5 « droit des tiers »: when others appear, the export says what was masked."""
    assert rules.access_export_needs_masking(third_parties_visible=True)
    assert not rules.access_export_needs_masking(third_parties_visible=False)


def test_recording_asked_for_is_kept_until_answered():
    """CSI L253-5 with RGPD art. 12-3 and 15: a recording under an open access request is not destroyed before the
    answer (the right would be defeated)."""
    assert rules.frozen_by_access_request(overlaps_open_access_request=True)
    assert not rules.frozen_by_access_request(overlaps_open_access_request=False)


def test_access_export_masking_missing_until_regions_or_a_note():
    """CSI L253-5 (« droit des tiers »): with third parties visible, an export is handed over only once regions are
    masked on its files or what was done for them is stated; without third parties nothing is required."""
    assert rules.access_export_masking_missing(third_parties_visible=True, masked_regions=0, note=" ")
    assert not rules.access_export_masking_missing(third_parties_visible=True, masked_regions=2, note="")
    assert not rules.access_export_masking_missing(third_parties_visible=True, masked_regions=0, note="Flou")
    assert not rules.access_export_masking_missing(third_parties_visible=False, masked_regions=0, note="")
