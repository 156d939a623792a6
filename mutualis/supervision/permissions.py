"""Who may do what in supervision: habilitation enforced on alarms as on images.

- Operators of the supervision centre (staff role « opérateur de supervision », and administrators who hold every
  staff role) keep protected sites, authorisations, habilitations, devices and sources; they see a site's alarms
  and images only while they hold a habilitation in force for it (named, agrément not lapsed).
- A member's users see their own sites' alarms, incidents and reports, never another member's; images (snapshots,
  live view) only if they are habilitated themselves (a mayor, the municipal police — for their own commune only).
- Other operator staff see nothing here (404).
"""

import datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from mutualis.accounts.types import User, Viewer
from mutualis.core.permissions import is_operator_staff
from mutualis.supervision.choices import ALARM_TRANSITIONS, COMMUNE_BOUND_KINDS, AlarmStatus, HabilitationKind
from mutualis.supervision.models import (
    Alarm,
    Authorisation,
    Device,
    EscalationContact,
    EventSource,
    Habilitation,
    ProtectedSite,
)


def is_supervision_operator(user: Viewer) -> bool:
    """Operators of the supervision centre and administrators."""
    return isinstance(user, User) and is_operator_staff(user) and user.has_staff_role("supervision_operator")


def habilitations_in_force(user: Viewer, *, day: datetime.date | None = None) -> QuerySet[Habilitation]:
    """The user's habilitations that count today: not withdrawn, agrément not lapsed (and present for the municipal
    police), and for municipal police and mayors only on their own commune's sites (rules.habilitation_active,
    rules.commune_bound_allowed, as a query)."""
    if not (isinstance(user, User) and user.is_active):
        return Habilitation.objects.none()
    day = day or timezone.localdate()
    return (
        Habilitation.objects.filter(user=user, revoked_at__isnull=True)
        .filter(Q(agrement_expires_on__isnull=True) | Q(agrement_expires_on__gte=day))
        .exclude(kind=HabilitationKind.MUNICIPAL_POLICE, agrement_expires_on__isnull=True)
        .exclude(Q(kind__in=COMMUNE_BOUND_KINDS) & ~Q(commune_id=F("protected_site__site__commune_id")))
    )


def habilitated_site_ids(user: Viewer, *, images: bool = False) -> QuerySet:
    """Ids of the protected sites the user holds a habilitation in force for (with images if asked)."""
    habilitations = habilitations_in_force(user)
    if images:
        habilitations = habilitations.filter(can_view_images=True)
    return habilitations.values("protected_site_id")


def can_view_images(user: Viewer, protected_site: ProtectedSite) -> bool:
    """Whether the user may see this site's images (snapshots, live view, recordings, exports)."""
    return habilitated_site_ids(user, images=True).filter(protected_site_id=protected_site.pk).exists()


def can_see_site_alarms(user: Viewer, protected_site: ProtectedSite) -> bool:
    """Operators: habilitated for the site; members' users: the site is one of their members'."""
    if is_operator_staff(user):
        return habilitated_site_ids(user).filter(protected_site_id=protected_site.pk).exists()
    return ProtectedSite.objects.visible_to(user).filter(pk=protected_site.pk).exists()


def _alarm_abilities(user: Viewer, alarm: Alarm) -> dict[str, Any]:
    view = can_see_site_alarms(user, alarm.protected_site)
    operate = view and is_supervision_operator(user)
    open_ = alarm.status != AlarmStatus.CLOSED
    allowed = ALARM_TRANSITIONS.get(alarm.status, set())
    mine = alarm.claimed_by_id is not None and isinstance(user, User) and alarm.claimed_by_id == user.pk
    return {
        "view": view,
        "update": False,
        "delete": False,
        "images": can_view_images(user, alarm.protected_site),
        "claim": operate and open_ and not mine,
        "release": operate and open_ and mine,
        "acknowledge": operate and open_ and alarm.acknowledged_at is None,
        "comment": operate and open_,
        "hold": operate and AlarmStatus.ON_HOLD in allowed,
        "resume": operate and alarm.status == AlarmStatus.ON_HOLD,
        "verify": operate and open_ and alarm.verified_at is None,
        "call_police": operate and open_ and alarm.verified_at is not None,
        "close": operate and open_,
        "report": view and not open_,
    }


def _manage(user: Viewer) -> dict[str, Any]:
    manage = is_supervision_operator(user)
    return {"view": manage, "update": manage, "delete": False}


def get_abilities(user: Viewer, obj: Any) -> dict[str, Any]:
    """What the user may do with a supervision object (every key present, False when denied)."""
    if isinstance(obj, Alarm):
        return _alarm_abilities(user, obj)
    if isinstance(obj, ProtectedSite):
        return _manage(user) | {"view": is_supervision_operator(user) or can_see_site_alarms(user, obj)}
    if isinstance(obj, Authorisation | Habilitation | Device | EventSource | EscalationContact):
        return _manage(user)
    raise TypeError(f"get_abilities: no abilities for {type(obj).__name__}")
