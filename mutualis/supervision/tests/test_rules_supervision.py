"""The legal frame of supervision, rule by rule, each test citing its article."""

import datetime

from mutualis.supervision import rules


def test_retention_never_more_than_30_days():
    """CSI L252-5: recordings are destroyed within one month at most — 30 days is the ceiling, 31 is refused."""
    assert rules.retention_days_allowed(30)
    assert rules.retention_days_allowed(1)
    assert not rules.retention_days_allowed(31)
    assert not rules.retention_days_allowed(0)


def test_retention_expiry_is_capped_at_30_days():
    """CSI L252-5: a recording's destruction date is its day plus the authorised retention, never beyond 30 days."""
    day = datetime.date(2026, 3, 1)
    assert rules.retention_expires_on(recorded_on=day, retention_days=15) == datetime.date(2026, 3, 16)
    assert rules.retention_expires_on(recorded_on=day, retention_days=90) == datetime.date(2026, 3, 31)


def test_authorisation_lasts_five_years():
    """CSI L252-4: the préfectoral authorisation is given for five years (renewable): valid up to the day before."""
    assert rules.authorisation_valid_until(datetime.date(2025, 1, 1)) == datetime.date(2029, 12, 31)
    assert rules.authorisation_validity_allowed(datetime.date(2025, 1, 1), datetime.date(2029, 12, 31))
    assert not rules.authorisation_validity_allowed(datetime.date(2025, 1, 1), datetime.date(2030, 1, 1))
    assert not rules.authorisation_validity_allowed(datetime.date(2025, 1, 1), datetime.date(2024, 12, 31))


def test_authorisation_in_force_only_between_its_dates_and_until_withdrawn():
    """CSI L252-4: an authorisation allows the system from its start to its expiry, and no longer once withdrawn."""
    start, end = datetime.date(2025, 1, 1), datetime.date(2029, 12, 31)
    assert rules.authorisation_in_force(valid_from=start, valid_until=end, revoked_on=None, day=end)
    assert not rules.authorisation_in_force(
        valid_from=start, valid_until=end, revoked_on=None, day=end + datetime.timedelta(days=1)
    )
    assert not rules.authorisation_in_force(
        valid_from=start, valid_until=end, revoked_on=datetime.date(2026, 1, 1), day=datetime.date(2026, 1, 1)
    )


def test_renewal_alert_four_months_before_expiry():
    """CSI R252-11: the renewal is requested at least four months before expiry — the alert starts then."""
    end = datetime.date(2029, 12, 31)
    assert rules.renewal_alert_date(end) == datetime.date(2029, 8, 31)
    assert not rules.renewal_due(valid_until=end, day=datetime.date(2029, 8, 30))
    assert rules.renewal_due(valid_until=end, day=datetime.date(2029, 8, 31))
    assert not rules.renewal_due(valid_until=end, day=datetime.date(2030, 1, 1))


def test_public_space_camera_needs_an_authorisation_in_force():
    """CSI L251-2 and L252-1: a camera filming the public space is not supervised without an authorisation in force."""
    assert not rules.camera_may_be_supervised(films_public_space=True, authorisation_in_force=False)
    assert rules.camera_may_be_supervised(films_public_space=True, authorisation_in_force=True)
    assert rules.camera_may_be_supervised(films_public_space=False, authorisation_in_force=False)


def test_college_indoor_cameras_only_on_access_circulation_and_scheduled_lieux_de_vie():
    """RGPD art. 5-1-c and the CNIL's guidance on schools: indoors, a collège films access and circulation areas (and
    lieux de vie under schedule), never a classroom or another zone."""
    assert rules.college_zone_allowed(is_college=True, indoor=True, zone_kind="access")
    assert rules.college_zone_allowed(is_college=True, indoor=True, zone_kind="circulation")
    assert rules.college_zone_allowed(is_college=True, indoor=True, zone_kind="lieu_de_vie")
    assert not rules.college_zone_allowed(is_college=True, indoor=True, zone_kind="other")
    assert not rules.college_zone_allowed(is_college=True, indoor=True, zone_kind="")
    assert rules.college_zone_allowed(is_college=False, indoor=True, zone_kind="other")


def test_lieu_de_vie_camera_off_during_opening_hours():
    """CNIL guidance on schools (RGPD art. 5-1-c): a lieu de vie is not filmed while pupils are there."""
    periods = [(0, datetime.time(8), datetime.time(17, 30))]
    monday_10 = datetime.datetime(2026, 3, 2, 10, 0)
    monday_20 = datetime.datetime(2026, 3, 2, 20, 0)
    tuesday_10 = datetime.datetime(2026, 3, 3, 10, 0)
    kwargs = {"is_college": True, "zone_kind": "lieu_de_vie", "opening_periods": periods}
    assert rules.lieu_de_vie_camera_off(at=monday_10, **kwargs)
    assert not rules.lieu_de_vie_camera_off(at=monday_20, **kwargs)
    assert not rules.lieu_de_vie_camera_off(at=tuesday_10, **kwargs)
    assert not rules.lieu_de_vie_camera_off(is_college=True, zone_kind="access", at=monday_10, opening_periods=periods)


def test_no_analytics_in_a_college():
    """Loi n° 2023-380 art. 10 and the CNIL's position on « caméras augmentées »: no automated analytics in a collège."""
    assert not rules.analytics_allowed(is_college=True)
    assert rules.analytics_allowed(is_college=False)


def test_biometric_readers_only_on_restricted_premises():
    """RGPD art. 9 and the CNIL's règlement type biométrie (délibération n° 2019-001): biometric readers only
    control access to restricted premises."""
    assert rules.biometric_allowed(restricted_access=True)
    assert not rules.biometric_allowed(restricted_access=False)


def test_habilitation_blocked_once_agrement_lapses():
    """CSI L252-2 and L511-1: only habilitated people see the images; a lapsed agrément blocks access."""
    day = datetime.date(2026, 3, 2)
    assert rules.habilitation_active(revoked=False, agrement_expires_on=None, needs_agrement=False, day=day)
    assert rules.habilitation_active(revoked=False, agrement_expires_on=day, needs_agrement=True, day=day)
    assert not rules.habilitation_active(
        revoked=False, agrement_expires_on=day - datetime.timedelta(days=1), needs_agrement=False, day=day
    )
    assert not rules.habilitation_active(revoked=False, agrement_expires_on=None, needs_agrement=True, day=day)
    assert not rules.habilitation_active(revoked=True, agrement_expires_on=None, needs_agrement=False, day=day)


def test_municipal_police_and_mayor_only_for_their_commune():
    """CSI L132-14-1, L252-2 and L512-2: municipal police and mayors see only their own commune's sites."""
    assert rules.commune_bound_allowed(commune_bound=True, holder_commune_id=1, site_commune_id=1)
    assert not rules.commune_bound_allowed(commune_bound=True, holder_commune_id=2, site_commune_id=1)
    assert not rules.commune_bound_allowed(commune_bound=True, holder_commune_id=None, site_commune_id=1)
    assert rules.commune_bound_allowed(commune_bound=False, holder_commune_id=None, site_commune_id=1)


def test_service_gated_by_the_video_protection_competence():
    """CGCT L5721-6-1 and the statutes: the operator supervises a member's sites only if the member transferred
    « vidéoprotection »."""
    assert rules.competence_held(competences=["video_protection", "ev_charging"])
    assert not rules.competence_held(competences=["central_purchasing"])


def test_police_called_only_for_a_verified_alarm_with_evidence():
    """CSI L613-6 (remote surveillance, levée de doute): the forces are called only once the doubt is lifted, with
    the visual evidence attached."""
    assert rules.police_call_allowed(verified=True, evidence_reference="snapshot:12")
    assert not rules.police_call_allowed(verified=True, evidence_reference="  ")
    assert not rules.police_call_allowed(verified=False, evidence_reference="snapshot:12")
