"""Sites: a member's places, to which later apps attach cameras, chargers and other assets."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, snapshot
from mutualis.core.validation import Errors
from mutualis.members.choices import OPEN_STATUSES
from mutualis.members.models import Member, Site
from mutualis.territory.models import Commune

SITE_FIELDS = ("name", "kind", "address", "commune", "latitude", "longitude")


def _check_site(site: Site, errors: Errors) -> None:
    """Commune within the member's territory; coordinates both given or both empty."""
    errors.full_clean(site)
    commune: Commune | None = site.commune if site.commune_id else None
    member: Member = site.member
    if commune is not None:
        member_communes = set(member.communes.values_list("pk", flat=True))
        if member_communes and commune.pk not in member_communes:
            errors.add("commune", _("Cette commune n'est pas sur le territoire de l'adhérent."))
        elif not member_communes and commune.departement_id != member.departement_id:
            errors.add("commune", _("Cette commune n'est pas dans le département de l'adhérent."))
    if (site.latitude is None) != (site.longitude is None):
        errors.add(
            "latitude" if site.latitude is None else "longitude",
            _("Indiquez la latitude et la longitude, ou aucune des deux."),
        )


@transaction.atomic
def site_create(
    *,
    member: Member,
    acting_user: User,
    name: str,
    kind: str,
    address: str,
    commune: Commune | None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Site:
    """Add a place to a member (a member withdrawn or refused gets no new site)."""
    errors = Errors()
    if member.status not in OPEN_STATUSES:
        errors.add(None, _("On n'ajoute pas de site à un adhérent retiré ou refusé."))
    site = Site(
        member=member,
        name=(name or "").strip(),
        kind=kind,
        address=(address or "").strip(),
        commune=commune,
        latitude=latitude,
        longitude=longitude,
    )
    _check_site(site, errors)
    errors.raise_if_any()
    site.save()
    audit_record(actor=acting_user, action="site.create", obj=site, member_id=member.pk, after=snapshot(site))
    return site


@transaction.atomic
def site_update(*, site: Site, acting_user: User, **changes: Any) -> Site:
    """Change a site's name, kind, address, commune or coordinates."""
    unknown = set(changes) - set(SITE_FIELDS)
    if unknown:
        raise TypeError(f"site_update: unknown fields {sorted(unknown)}")
    before = snapshot(site)
    for field, value in changes.items():
        setattr(site, field, value.strip() if isinstance(value, str) else value)
    errors = Errors()
    _check_site(site, errors)
    if errors.by_field:
        site.refresh_from_db()
        errors.raise_if_any()
    site.save()
    after = snapshot(site)
    if after != before:
        audit_record(
            actor=acting_user,
            action="site.update",
            obj=site,
            member_id=site.member_id,
            before=before,
            after=after,
        )
    return site


@transaction.atomic
def site_deactivate(*, site: Site, acting_user: User, reason: str = "") -> Site:
    """Take a site out of service (kept for history: later apps' records still point to it). Idempotent."""
    if not site.is_active:
        return site
    site.is_active = False
    site.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=acting_user,
        action="site.deactivate",
        obj=site,
        member_id=site.member_id,
        before={"is_active": True},
        after={"is_active": False},
        reason=reason,
    )
    return site
