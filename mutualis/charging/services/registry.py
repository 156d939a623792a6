"""Writes of the charging registry: stations at members' sites and their charge points (AFIREV ids, OCPP identity,
power, sockets, Basic auth password), linked to the fleet's assets.

Network officers (and administrators) only; every change is in the audit log. A station stands at a site of a
member that transferred the EV charging competence; its AFIREV id and its points' ids start with the operator's
prefix (rules.py).
"""

from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.assets.choices import AssetKind
from mutualis.assets.models import Asset
from mutualis.charging import rules
from mutualis.charging.models import ChargePoint, Connector, Station
from mutualis.charging.permissions import require_charging_manager
from mutualis.core.services import audit_record, snapshot
from mutualis.core.validation import Errors
from mutualis.members.choices import Competence
from mutualis.members.models import Site
from mutualis.members.offers import member_has_competence

# What a page or the API may set on a station or a charge point (the live state is the gateway's).
STATION_FIELDS = (
    "id_station_itinerance",
    "id_station_local",
    "name",
    "commune",
    "address",
    "latitude",
    "longitude",
    "implantation",
    "access_condition",
    "opening_hours",
    "pmr_accessibility",
    "height_restriction",
    "two_wheelers",
    "reservable",
    "free_of_charge",
    "payment_per_session",
    "payment_card",
    "payment_other",
    "tariff",
    "grid_connection",
    "pdl_number",
    "commissioned_on",
    "notes",
    "is_published",
)
CHARGE_POINT_FIELDS = (
    "id_pdc_itinerance",
    "id_pdc_local",
    "ocpp_identity",
    "ocpp_version",
    "power_kw",
    "socket_type_2",
    "socket_type_ef",
    "socket_combo_ccs",
    "socket_chademo",
    "socket_other",
    "cable_t2_attached",
    "is_active",
)
PASSWORD_MIN_LENGTH = 16  # OCPP 2.0.1 security profile 1: BasicAuthPassword is 16 to 40 characters


def _unknown(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    if extra := set(fields) - set(allowed):
        raise TypeError(f"unknown fields: {sorted(extra)}")


def _normalize(fields: dict[str, Any]) -> dict[str, Any]:
    for key in ("id_station_itinerance", "id_pdc_itinerance"):
        if key in fields:
            fields[key] = rules.normalize_afirev_id(fields[key])
    if "ocpp_identity" in fields:
        fields["ocpp_identity"] = (fields["ocpp_identity"] or "").strip()
    for key in ("name", "address", "tariff"):
        if isinstance(fields.get(key), str):
            fields[key] = fields[key].strip()
    return fields


def _check_asset(errors: Errors, asset: Asset | None, member_id: int, current: Station | ChargePoint | None) -> None:
    if asset is None:
        return
    if asset.member_id != member_id:
        errors.add("asset", _("Cet équipement appartient à un autre adhérent que celui du site."))
    if asset.kind != AssetKind.CHARGING_STATION:
        errors.add("asset", _("Cet équipement n'est pas une borne de recharge."))
    stations, points = Station.objects.filter(asset=asset), ChargePoint.objects.filter(asset=asset)
    if isinstance(current, Station) and current.pk:
        stations = stations.exclude(pk=current.pk)
    if isinstance(current, ChargePoint) and current.pk:
        points = points.exclude(pk=current.pk)
    if stations.exists() or points.exists():
        errors.add("asset", _("Cet équipement est déjà rattaché à une station ou à un point de recharge."))


def _check_site(errors: Errors, site: Site) -> None:
    if not member_has_competence(site.member, Competence.EV_CHARGING):
        errors.add("site", _("L'adhérent de ce site n'a pas transféré la compétence IRVE."))


@transaction.atomic
def station_create(*, site: Site, acting_user: User | None, asset: Asset | None = None, **fields: Any) -> Station:
    """Register a station at a member's site (the member must hold the EV charging competence)."""
    require_charging_manager(acting_user)
    _unknown(fields, STATION_FIELDS)
    fields = _normalize(fields)
    fields.setdefault("commune", site.commune)
    station = Station(site=site, asset=asset, **fields)
    errors = Errors()
    _check_site(errors, site)
    _check_asset(errors, asset, site.member_id, None)
    errors.full_clean(station)
    errors.raise_if_any()
    station.save()
    audit_record(
        actor=acting_user,
        action="charging.station_create",
        obj=station,
        member_id=site.member_id,
        after=snapshot(station),
    )
    return station


@transaction.atomic
def station_update(
    *, station: Station, acting_user: User | None, site: Site | None = None, asset: Asset | None = None, **fields: Any
) -> Station:
    """Change a station's description (the fields given); its charge points' ids must keep its operator code."""
    require_charging_manager(acting_user)
    _unknown(fields, STATION_FIELDS)
    fields = _normalize(fields)
    station = Station.objects.select_for_update().get(pk=station.pk)
    before = snapshot(station)
    errors = Errors()
    if site is not None and site.pk != station.site_id:
        if site.member_id != station.site.member_id:
            errors.add("site", _("Une station ne change pas d'adhérent : choisissez un site du même adhérent."))
        station.site = site
    if asset is not None:
        _check_asset(errors, asset, station.site.member_id, station)
        station.asset = asset
    for name, value in fields.items():
        setattr(station, name, value)
    errors.full_clean(station)
    if "id_station_itinerance" in fields:
        for pdc_id in station.charge_points.values_list("id_pdc_itinerance", flat=True):
            errors.check(rules.assert_charge_point_in_station, pdc_id=pdc_id, station_id=station.id_station_itinerance)
    errors.raise_if_any()
    station.save()
    audit_record(
        actor=acting_user,
        action="charging.station_update",
        obj=station,
        member_id=station.site.member_id,
        before=before,
        after=snapshot(station),
    )
    return station


@transaction.atomic
def charge_point_create(
    *,
    station: Station,
    acting_user: User | None,
    asset: Asset | None = None,
    password: str = "",
    connectors: int = 1,
    **fields: Any,
) -> ChargePoint:
    """Register a charge point of a station with its OCPP identity (and, optionally, its Basic auth password),
    and its connectors (1 by default; the point's own connector 0 row is made too)."""
    require_charging_manager(acting_user)
    _unknown(fields, CHARGE_POINT_FIELDS)
    fields = _normalize(fields)
    charge_point = ChargePoint(station=station, asset=asset, **fields)
    errors = Errors()
    _check_asset(errors, asset, station.site.member_id, charge_point)
    # The case-insensitive identity constraint is checked by _check_identity_free, with the field's own message.
    errors.full_clean(charge_point, validate_constraints=False)
    if charge_point.id_pdc_itinerance:
        errors.check(
            rules.assert_charge_point_in_station,
            pdc_id=charge_point.id_pdc_itinerance,
            station_id=station.id_station_itinerance,
        )
    _check_identity_free(errors, charge_point)
    if password:
        _check_password(errors, password)
    if not 1 <= connectors <= 8:
        errors.add("connectors", _("Un point de recharge a de 1 à 8 connecteurs."))
    errors.raise_if_any()
    if password:
        charge_point.password_hash = make_password(password)
    charge_point.save()
    Connector.objects.bulk_create(
        [Connector(charge_point=charge_point, evse_id=n, connector_id=n) for n in range(0, connectors + 1)]
    )
    audit_record(
        actor=acting_user,
        action="charging.charge_point_create",
        obj=charge_point,
        member_id=station.site.member_id,
        after=snapshot(charge_point, CHARGE_POINT_FIELDS),
    )
    return charge_point


def _check_identity_free(errors: Errors, charge_point: ChargePoint) -> None:
    # The column is unique as typed; the gateway finds identities whatever their case, so they must differ in more.
    clash = ChargePoint.objects.filter(ocpp_identity__iexact=charge_point.ocpp_identity).exclude(pk=charge_point.pk)
    if charge_point.ocpp_identity and clash.exists() and not errors.has("ocpp_identity"):
        errors.add("ocpp_identity", _("Un point de recharge utilise déjà cette identité OCPP."))


def _check_password(errors: Errors, password: str) -> None:
    if not PASSWORD_MIN_LENGTH <= len(password) <= 40 or ":" in password:
        errors.add(
            "password",
            _("Le mot de passe OCPP compte de %(min)s à 40 caractères, sans « : ».") % {"min": PASSWORD_MIN_LENGTH},
        )


@transaction.atomic
def charge_point_update(
    *, charge_point: ChargePoint, acting_user: User | None, asset: Asset | None = None, **fields: Any
) -> ChargePoint:
    """Change a charge point's description (the fields given)."""
    require_charging_manager(acting_user)
    _unknown(fields, CHARGE_POINT_FIELDS)
    fields = _normalize(fields)
    charge_point = ChargePoint.objects.select_for_update().select_related("station__site").get(pk=charge_point.pk)
    before = snapshot(charge_point, CHARGE_POINT_FIELDS)
    errors = Errors()
    if asset is not None:
        _check_asset(errors, asset, charge_point.station.site.member_id, charge_point)
        charge_point.asset = asset
    for name, value in fields.items():
        setattr(charge_point, name, value)
    errors.full_clean(charge_point, validate_constraints=False)
    errors.check(
        rules.assert_charge_point_in_station,
        pdc_id=charge_point.id_pdc_itinerance,
        station_id=charge_point.station.id_station_itinerance,
    )
    _check_identity_free(errors, charge_point)
    errors.raise_if_any()
    charge_point.save()
    audit_record(
        actor=acting_user,
        action="charging.charge_point_update",
        obj=charge_point,
        member_id=charge_point.station.site.member_id,
        before=before,
        after=snapshot(charge_point, CHARGE_POINT_FIELDS),
    )
    return charge_point


@transaction.atomic
def charge_point_set_password(*, charge_point: ChargePoint, password: str, acting_user: User | None) -> ChargePoint:
    """Set (or, with an empty password, remove) the HTTP Basic auth password the point must present (OCPP security
    profile 1); only its hash is kept."""
    require_charging_manager(acting_user)
    errors = Errors()
    if password:
        _check_password(errors, password)
    errors.raise_if_any()
    charge_point = ChargePoint.objects.select_for_update().get(pk=charge_point.pk)
    charge_point.password_hash = make_password(password) if password else ""
    charge_point.save(update_fields=["password_hash", "updated_at"])
    audit_record(
        actor=acting_user,
        action="charging.charge_point_password",
        obj=charge_point,
        member_id=charge_point.station.site.member_id,
        after={"password": bool(password)},
    )
    return charge_point


def station_power(station: Station) -> Decimal:
    """The sum of the nominal powers of a station's charge points."""
    return sum((cp.power_kw for cp in station.charge_points.all()), Decimal(0))
