"""Devices at protected sites: created (linked to their fleet asset), activated where the legal frame allows, and
kept in step with it (an authorisation that lapses, a lieu de vie during opening hours)."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, snapshot, update_audited
from mutualis.core.validation import Errors
from mutualis.supervision import rules
from mutualis.supervision.choices import CAMERA_KINDS, DeviceKind
from mutualis.supervision.models import Device, ProtectedSite
from mutualis.supervision.services.common import require_operator
from mutualis.supervision.services.sites import supervision_allowed_for

DEVICE_FIELDS = (
    "kind",
    "name",
    "asset",
    "source",
    "external_id",
    "films_public_space",
    "indoor",
    "zone_kind",
    "location",
    "analytics_enabled",
    "latitude",
    "longitude",
    "anomaly_factor",
)


def _check_device(device: Device, errors: Errors) -> None:
    """What a device may never be, whatever the day: the collège and biometric rules."""
    site = device.protected_site
    camera = device.kind in CAMERA_KINDS
    if camera and not rules.college_zone_allowed(
        is_college=site.is_college, indoor=device.indoor, zone_kind=device.zone_kind
    ):
        errors.add(
            "zone_kind",
            _(
                "Dans un collège, une caméra intérieure ne filme que les accès, les circulations ou un lieu de vie (hors heures d'ouverture)."
            ),
        )
    if device.analytics_enabled and not rules.analytics_allowed(is_college=site.is_college):
        errors.add("analytics_enabled", _("Pas d'analyse automatisée (« caméra augmentée ») dans un collège."))
    if device.analytics_enabled and not camera:
        errors.add("analytics_enabled", _("Seule une caméra peut avoir une analyse automatisée."))
    if device.kind == DeviceKind.BIOMETRIC_READER and not rules.biometric_allowed(
        restricted_access=site.restricted_access
    ):
        errors.add("kind", _("Un lecteur biométrique n'est permis que sur des locaux à accès restreint."))
    if device.asset is not None and device.asset.member_id != site.site.member_id:
        errors.add("asset", _("Cet équipement du parc appartient à un autre adhérent."))
    if device.source_id and not device.external_id:
        errors.add("external_id", _("Indiquez l'identifiant de l'équipement dans sa source."))


def site_facts(protected_site: ProtectedSite, at: datetime.datetime) -> dict[str, Any]:
    """What the legal checks of a site's devices need, read once per site."""
    day = timezone.localdate(at)
    return {
        "competence": supervision_allowed_for(protected_site.site.member, day),
        "in_force": protected_site.current_authorisation(day) is not None,
        "periods": [(p.weekday, p.opens_at, p.closes_at) for p in protected_site.opening_periods.all()],
    }


def supervision_state(
    device: Device, *, at: datetime.datetime | None = None, facts: dict[str, Any] | None = None
) -> tuple[bool, str]:
    """Whether the device may be supervised at `at`, and if not why (the legal frame, day and hour)."""
    at = at or timezone.now()
    site = device.protected_site
    facts = facts or site_facts(site, at)
    if not device.is_active:
        return False, _("Équipement désactivé.")
    if not site.is_active:
        return False, _("Supervision du site arrêtée.")
    if not facts["competence"]:
        return False, _("L'adhérent n'a pas transféré la compétence « vidéoprotection ».")
    if device.kind not in CAMERA_KINDS:
        return True, ""
    if not rules.camera_may_be_supervised(
        films_public_space=device.films_public_space, authorisation_in_force=facts["in_force"]
    ):
        return False, _("Filme la voie publique sans autorisation préfectorale en vigueur.")
    if rules.lieu_de_vie_camera_off(
        is_college=site.is_college,
        zone_kind=device.zone_kind,
        at=timezone.localtime(at),
        opening_periods=facts["periods"],
    ):
        return False, _("Lieu de vie d'un collège pendant les heures d'ouverture.")
    return True, ""


def _apply_state(device: Device, at: datetime.datetime | None = None, facts: dict[str, Any] | None = None) -> bool:
    """Set is_supervised from the legal frame; True if it changed (a suspension is audited)."""
    supervised, reason = supervision_state(device, at=at, facts=facts)
    if supervised == device.is_supervised and reason == device.suspended_reason:
        return False
    before = {"is_supervised": device.is_supervised, "suspended_reason": device.suspended_reason}
    device.is_supervised, device.suspended_reason = supervised, reason
    device.save(update_fields=["is_supervised", "suspended_reason", "updated_at"])
    if device.is_active and not supervised:
        audit_record(
            actor=None,
            action="supervision.device_suspend",
            obj=device,
            member_id=device.protected_site.site.member_id,
            before=before,
            after={"is_supervised": supervised, "suspended_reason": reason},
        )
    return True


@transaction.atomic
def device_create(*, protected_site: ProtectedSite, acting_user: User, **fields: Any) -> Device:
    """Add a device to a site (analytics off unless asked and allowed), inactive until activated."""
    require_operator(acting_user)
    device = Device(protected_site=protected_site, **{k: v for k, v in fields.items() if k in DEVICE_FIELDS})
    errors = Errors()
    errors.full_clean(device)
    _check_device(device, errors)
    errors.raise_if_any()
    device.save()
    audit_record(
        actor=acting_user,
        action="supervision.device_create",
        obj=device,
        member_id=protected_site.site.member_id,
        after=snapshot(device),
    )
    return device


@transaction.atomic
def device_update(*, device: Device, acting_user: User, **fields: Any) -> Device:
    """Change a device (the collège and biometric rules still hold); its supervision is re-checked."""
    require_operator(acting_user)
    return update_audited(
        device,
        acting_user=acting_user,
        action="supervision.device_update",
        changes=fields,
        allowed=DEVICE_FIELDS,
        member_id=device.protected_site.site.member_id,
        check=_check_device,
        saved=_apply_state,
    )


@transaction.atomic
def device_activate(*, device: Device, acting_user: User) -> Device:
    """Turn a device on: refused when the legal frame does not allow supervising it now (a camera filming the public
    space without an authorisation in force…)."""
    require_operator(acting_user)
    device = Device.objects.select_for_update().get(pk=device.pk)
    device.is_active = True
    supervised, reason = supervision_state(device)
    if not supervised and device.films_public_space and device.kind in CAMERA_KINDS:
        errors = Errors()
        errors.add(None, reason)
        errors.raise_if_any()
    device.is_supervised, device.suspended_reason = supervised, reason
    device.save(update_fields=["is_active", "is_supervised", "suspended_reason", "updated_at"])
    audit_record(
        actor=acting_user,
        action="supervision.device_activate",
        obj=device,
        member_id=device.protected_site.site.member_id,
        after={"is_supervised": supervised, "suspended_reason": reason},
    )
    return device


@transaction.atomic
def device_deactivate(*, device: Device, acting_user: User) -> Device:
    """Turn a device off (no alarm from it any more)."""
    require_operator(acting_user)
    device = Device.objects.select_for_update().get(pk=device.pk)
    device.is_active = device.is_supervised = False
    device.suspended_reason = _("Équipement désactivé.")
    device.save(update_fields=["is_active", "is_supervised", "suspended_reason", "updated_at"])
    audit_record(
        actor=acting_user,
        action="supervision.device_deactivate",
        obj=device,
        member_id=device.protected_site.site.member_id,
    )
    return device


def refresh_site_devices(*, protected_site: ProtectedSite, at: datetime.datetime | None = None) -> int:
    """Re-check every device of a site against the legal frame; returns how many changed."""
    at = at or timezone.now()
    facts = site_facts(protected_site, at)
    devices = Device.objects.filter(protected_site=protected_site)
    changed = 0
    for device in devices:
        device.protected_site = protected_site
        changed += _apply_state(device, at, facts)
    return changed


def refresh_supervision(*, at: datetime.datetime | None = None) -> int:
    """Re-check every device (run on schedule: authorisations lapse at midnight, collèges open at 8)."""
    changed = 0
    for protected_site in ProtectedSite.objects.select_related("site__member").prefetch_related("opening_periods"):
        changed += refresh_site_devices(protected_site=protected_site, at=at)
    return changed
