"""Sites: a member's places, to which later apps attach cameras, chargers and other assets."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, snapshot
from mutualis.core.validation import Errors
from mutualis.members.choices import OPEN_STATUSES
from mutualis.members.models import Member, Site
from mutualis.members.models.site import public_by_default
from mutualis.territory.geometry import commune_contains
from mutualis.territory.models import Commune
from mutualis.territory.names import of_place

SITE_FIELDS = ("name", "kind", "address", "commune", "latitude", "longitude", "is_public")


def _check_site(site: Site, errors: Errors) -> None:
    """Commune within the member's territory; coordinates both given or both empty, and inside the commune."""
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
    elif (
        commune is not None
        and site.latitude is not None
        and site.longitude is not None
        and not errors.has("latitude")
        and not errors.has("longitude")
        and not commune_contains(commune, site.latitude, site.longitude)
    ):
        errors.add(
            "latitude", _("Ce point est hors de la commune %(of_commune)s.") % {"of_commune": of_place(commune.name)}
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
    is_public: bool | None = None,
) -> Site:
    """Add a place to a member (a member withdrawn or refused gets no new site); shown to the public if said so, by
    default if it is a town hall, a school or a public building (models.site.PUBLIC_SITE_KINDS)."""
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
        is_public=public_by_default(kind) if is_public is None else is_public,
    )
    _check_site(site, errors)
    errors.raise_if_any()
    site.save()
    audit_record(actor=acting_user, action="site.create", obj=site, member_id=member.pk, after=snapshot(site))
    return site


@transaction.atomic
def site_update(*, site: Site, acting_user: User, **changes: Any) -> Site:
    """Change a site's name, kind, address, commune, coordinates or public visibility."""
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


def _set_in_service(*, site: Site, acting_user: User, active: bool, reason: str) -> Site:
    """Put a site in or out of service, audited; nothing happens (nor is recorded) when it already is."""
    if site.is_active == active:
        return site
    site.is_active = active
    site.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=acting_user,
        action="site.reactivate" if active else "site.deactivate",
        obj=site,
        member_id=site.member_id,
        before={"is_active": not active},
        after={"is_active": active},
        reason=reason,
    )
    return site


@transaction.atomic
def site_deactivate(*, site: Site, acting_user: User, reason: str = "") -> Site:
    """Take a site out of service (kept for history: later apps' records still point to it). Idempotent."""
    return _set_in_service(site=site, acting_user=acting_user, active=False, reason=reason)


@transaction.atomic
def site_reactivate(*, site: Site, acting_user: User, reason: str = "") -> Site:
    """Put a site back in service (not for a member withdrawn or refused, which gets no service). Idempotent."""
    if not site.is_active and site.member.status not in OPEN_STATUSES:
        raise ValidationError(_("On ne remet pas en service un site d'un adhérent retiré ou refusé."))
    return _set_in_service(site=site, acting_user=acting_user, active=True, reason=reason)
