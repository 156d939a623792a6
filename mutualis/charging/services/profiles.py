"""Power caps of stations: a site whose supply is limited shares it between the station's charge points, each
told its share with SetChargingProfile (ChargePointMaxProfile, on connector 0, in amperes or watts)."""

from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.charging.choices import CommandAction, ProfilePurpose
from mutualis.charging.models import ChargingProfile, Command, Station
from mutualis.charging.permissions import require_charging_manager
from mutualis.charging.services.commands import request_command
from mutualis.core.services import audit_record
from mutualis.core.validation import Errors

# The charging profile id the platform uses for a station cap on each point (one cap at a time, replaced in place).
STATION_CAP_PROFILE_ID = 100


def shares(limit_kw: Decimal, powers: list[Decimal]) -> list[Decimal]:
    """Split a station cap between its points in proportion to their nominal power, no point above its own power,
    rounded down to 0.1 kW (the sum never exceeds the cap)."""
    total = sum(powers, Decimal(0))
    if not total:
        return [Decimal(0) for _ in powers]
    return [min(power, (limit_kw * power / total).quantize(Decimal("0.1"), rounding=ROUND_DOWN)) for power in powers]


def _profile_payload(limit_w: int, stack_level: int) -> dict:
    return {
        "connectorId": 0,
        "csChargingProfiles": {
            "chargingProfileId": STATION_CAP_PROFILE_ID,
            "stackLevel": stack_level,
            "chargingProfilePurpose": ProfilePurpose.CHARGE_POINT_MAX,
            "chargingProfileKind": "Absolute",
            "chargingSchedule": {
                "chargingRateUnit": "W",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": float(limit_w)}],
            },
        },
    }


def station_power_cap_set(
    *, station: Station, limit_kw: Decimal, acting_user: User | None, note: str = ""
) -> ChargingProfile:
    """Cap a station's total power (its site's supply) and send each connected or not charge point its share."""
    require_charging_manager(acting_user)
    limit_kw = Decimal(limit_kw)
    points = list(station.charge_points.filter(is_active=True).order_by("pk"))
    errors = Errors()
    if limit_kw <= 0:
        errors.add("limit_kw", _("La limite est une puissance positive."))
    if not points:
        errors.add(None, _("Cette station n'a aucun point de recharge en service."))
    errors.raise_if_any()
    with transaction.atomic():
        ChargingProfile.objects.filter(station=station, is_active=True).update(is_active=False)
        profile = ChargingProfile.objects.create(
            station=station, limit_kw=limit_kw, note=note.strip(), created_by=acting_user
        )
        for point, share in zip(points, shares(limit_kw, [p.power_kw for p in points]), strict=True):
            request_command(
                charge_point=point,
                action=CommandAction.SET_CHARGING_PROFILE,
                payload=_profile_payload(int(share * 1000), profile.stack_level),
                acting_user=acting_user,
            )
        audit_record(
            actor=acting_user,
            action="charging.power_cap_set",
            obj=profile,
            member_id=station.site.member_id,
            after={"station": station.id_station_itinerance, "limit_kw": str(limit_kw)},
        )
    return profile


def station_power_cap_clear(*, station: Station, acting_user: User | None) -> list[Command]:
    """Lift a station's cap: its points may use their full power again (ClearChargingProfile)."""
    require_charging_manager(acting_user)
    with transaction.atomic():
        ChargingProfile.objects.filter(station=station, is_active=True).update(is_active=False)
        commands = [
            request_command(
                charge_point=point,
                action=CommandAction.CLEAR_CHARGING_PROFILE,
                payload={"id": STATION_CAP_PROFILE_ID},
                acting_user=acting_user,
            )
            for point in station.charge_points.filter(is_active=True).order_by("pk")
        ]
        audit_record(
            actor=acting_user,
            action="charging.power_cap_clear",
            obj=station,
            member_id=station.site.member_id,
        )
    return commands
