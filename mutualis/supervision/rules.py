"""The legal frame of video protection and electronic supervision, as named pure functions (no ORM).

Code de la sécurité intérieure (CSI), livre II titre V « Vidéoprotection »; RGPD; CNIL's guidance on schools and
on biometrics. The services call these; `tests/test_rules_supervision.py` cites the article of each.
"""

import datetime
from collections.abc import Iterable

from mutualis.core.dates import add_months

# CSI L252-5: recordings are destroyed within a maximum of one month (30 days), save a legal proceeding.
MAX_RETENTION_DAYS = 30
# CSI L252-4: the authorisation is given for five years, renewable.
AUTHORISATION_VALIDITY_MONTHS = 60
# CSI R252-11: the renewal request is filed at least four months before the authorisation expires.
RENEWAL_NOTICE_MONTHS = 4

COLLEGE_INDOOR_ZONES = frozenset({"access", "circulation", "lieu_de_vie"})
COLLEGE_ALLOWED_INDOOR_ZONES = frozenset({"access", "circulation"})


def retention_days_allowed(days: int) -> bool:
    """A retention of `days` days is lawful: at least one day, never more than 30 (CSI L252-5)."""
    return 1 <= days <= MAX_RETENTION_DAYS


def authorisation_valid_until(valid_from: datetime.date) -> datetime.date:
    """The last day of an authorisation given on `valid_from`: five years later, the day before (CSI L252-4)."""
    return add_months(valid_from, AUTHORISATION_VALIDITY_MONTHS) - datetime.timedelta(days=1)


def authorisation_in_force(
    *, valid_from: datetime.date, valid_until: datetime.date, revoked_on: datetime.date | None, day: datetime.date
) -> bool:
    """Whether an authorisation allows the system on `day`: started, not expired, not withdrawn (CSI L252-4)."""
    if revoked_on is not None and revoked_on <= day:
        return False
    return valid_from <= day <= valid_until


def authorisation_validity_allowed(valid_from: datetime.date, valid_until: datetime.date) -> bool:
    """An authorisation runs forward and for five years at most (CSI L252-4)."""
    return valid_from <= valid_until <= authorisation_valid_until(valid_from)


def renewal_alert_date(valid_until: datetime.date) -> datetime.date:
    """The day from which the renewal must be requested: four months before expiry (CSI R252-11)."""
    return add_months(valid_until, -RENEWAL_NOTICE_MONTHS)


def renewal_due(*, valid_until: datetime.date, day: datetime.date) -> bool:
    """Whether, on `day`, the authorisation is within its four months' renewal notice and not expired (R252-11)."""
    return renewal_alert_date(valid_until) <= day <= valid_until


def camera_may_be_supervised(*, films_public_space: bool, authorisation_in_force: bool) -> bool:
    """A camera filming the public space needs a préfectoral authorisation in force (CSI L251-2, L252-1); one
    filming only the inside of a building open to the public does too when the site holds its authorisation for it,
    but that is the authorisation's own scope: here, public space is the condition."""
    return authorisation_in_force or not films_public_space


def college_zone_allowed(*, is_college: bool, indoor: bool, zone_kind: str) -> bool:
    """In a collège an indoor camera may film access and circulation areas, and lieux de vie only under schedule;
    never classrooms or other zones (RGPD art. 5-1-c, minimisation; CNIL « La vidéoprotection dans les
    établissements scolaires »)."""
    if not (is_college and indoor):
        return True
    return zone_kind in COLLEGE_INDOOR_ZONES


def lieu_de_vie_camera_off(
    *,
    is_college: bool,
    zone_kind: str,
    at: datetime.datetime,
    opening_periods: Iterable[tuple[int, datetime.time, datetime.time]],
) -> bool:
    """A collège camera in a lieu de vie is off during opening hours (pupils are filmed only when the premises are
    closed: CNIL guidance on schools, RGPD art. 5-1-c). `opening_periods` are (weekday, opens_at, closes_at)."""
    if not is_college or zone_kind != "lieu_de_vie":
        return False
    local = at.time()
    return any(weekday == at.weekday() and opens <= local < closes for weekday, opens, closes in opening_periods)


def analytics_allowed(*, is_college: bool) -> bool:
    """Automated analytics (« caméras augmentées ») are never turned on in a collège: no legal basis outside the
    experiment of loi n° 2023-380 art. 10 for large events (CNIL position, July 2022)."""
    return not is_college


def biometric_allowed(*, restricted_access: bool) -> bool:
    """Biometric readers only control access to premises restricted to named people (RGPD art. 9; CNIL règlement
    type biométrie, délibération n° 2019-001)."""
    return restricted_access


def habilitation_active(
    *, revoked: bool, agrement_expires_on: datetime.date | None, needs_agrement: bool, day: datetime.date
) -> bool:
    """A habilitation lets its holder see images and alarms while not withdrawn and, for those who need one
    (municipal police, CSI L511-1 and L252-2), while the agrément has not lapsed."""
    if revoked:
        return False
    if agrement_expires_on is not None and agrement_expires_on < day:
        return False
    return not (needs_agrement and agrement_expires_on is None)


def commune_bound_allowed(*, commune_bound: bool, holder_commune_id: int | None, site_commune_id: int) -> bool:
    """Municipal police and mayors see only their own commune's sites (CSI L132-14-1, L252-2, L512-2)."""
    return not commune_bound or holder_commune_id == site_commune_id


def competence_held(*, competences: Iterable[str]) -> bool:
    """The operator supervises a member's sites only if the member transferred « vidéoprotection » to it (CGCT
    L5721-6-1 and the syndicat's statutes: a competence not transferred is not exercised)."""
    return "video_protection" in set(competences)


def police_call_allowed(*, verified: bool, evidence_reference: str) -> bool:
    """The police are called only for an alarm whose doubt was lifted (levée de doute) with visual evidence
    attached (CSI L613-6 for remote surveillance, « levée de doute » before calling the forces)."""
    return verified and bool(evidence_reference.strip())


def retention_expires_on(*, recorded_on: datetime.date, retention_days: int) -> datetime.date:
    """The day a recording must be destroyed by: recorded day plus the authorised retention (CSI L252-5)."""
    return recorded_on + datetime.timedelta(days=min(retention_days, MAX_RETENTION_DAYS))
