"""Badges, the local authorisation list, commands and power caps, without a gateway."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mutualis.charging.choices import CommandStatus, OcppVersion
from mutualis.charging.models import Command, IdTag
from mutualis.charging.services import commands, profiles, tags
from mutualis.charging.tests import factories
from mutualis.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_every_badge_change_takes_the_next_list_version(world):
    """A badge created or changed takes the next local list version, so a differential list sends it."""
    officer = factories.network_officer()
    first = tags.id_tag_create(member=world.member_b, id_tag=" BADGE-1 ", acting_user=officer, holder="Mairie")
    second = tags.id_tag_create(member=world.member_b, id_tag="BADGE-2", acting_user=officer)
    assert (first.id_tag, first.list_version, second.list_version) == ("BADGE-1", 1, 2)
    tags.id_tag_update(tag=first, status="Blocked", acting_user=officer)
    first.refresh_from_db()
    assert first.list_version == 3 and tags.current_list_version() == 3
    payload = tags.local_list_payload(since_version=2, full=False)
    assert payload["localAuthorizationList"] == [{"idTag": "BADGE-1", "idTagInfo": {"status": "Blocked"}}]
    assert AuditEntry.objects.filter(action="charging.id_tag_update").count() == 1


def test_badge_ids_are_unique_whatever_their_case(world):
    """OCPP 1.6 idTag is case-insensitive: « badge-1 » is the same badge as « BADGE-1 »."""
    officer = factories.network_officer()
    tags.id_tag_create(member=world.member_b, id_tag="BADGE-1", acting_user=officer)
    with pytest.raises(ValidationError):
        tags.id_tag_create(member=world.member_b, id_tag="badge-1", acting_user=officer)
    assert IdTag.objects.count() == 1


def test_authorize_answers_expired_and_concurrent(world):
    """An accepted badge past its expiry is Expired; one charging on another point is ConcurrentTx."""
    expired = factories.IdTagFactory(member=world.member_b, expires_at=timezone.now() - datetime.timedelta(days=1))
    assert tags.authorize(id_tag=expired.id_tag)["status"] == "Expired"
    busy = factories.IdTagFactory(member=world.member_b)
    session = factories.SessionFactory(tag=busy, status="active", stopped_at=None, meter_stop_wh=None)
    assert tags.authorize(id_tag=busy.id_tag)["status"] == "ConcurrentTx"
    assert tags.authorize(id_tag=busy.id_tag, charge_point_id=session.charge_point_id)["status"] == "Accepted"


def test_a_command_is_checked_against_the_ocpp_schema_and_the_point_s_version(world):
    """A command's payload is checked by the OCPP 1.6 schema (French message), a 2.0.1 station gets only the core
    profile's commands, a point out of service none; nothing is queued."""
    officer = factories.network_officer()
    point = factories.ChargePointFactory(station=factories.station_at(world.site_b))
    with pytest.raises(ValidationError) as exc:
        commands.request_command(charge_point=point, action="Reset", payload={"type": "Gentle"}, acting_user=officer)
    assert "schéma OCPP" in exc.value.message_dict["payload"][0]
    station = factories.ChargePointFactory(station=point.station, ocpp_version=OcppVersion.V201)
    with pytest.raises(ValidationError) as exc:
        commands.request_command(charge_point=station, action="GetConfiguration", payload={}, acting_user=officer)
    assert "action" in exc.value.message_dict
    point.is_active = False
    with pytest.raises(ValidationError):
        commands.request_command(charge_point=point, action="Reset", payload={"type": "Soft"}, acting_user=officer)
    assert not Command.objects.exists()


def test_only_network_officers_send_commands(world):
    """Other staff and members' users may not command a point; nothing is queued."""
    point = factories.ChargePointFactory(station=factories.station_at(world.site_b))
    for user in (factories.purchasing_officer(), world.other_member):
        with pytest.raises(PermissionDenied):
            commands.request_command(charge_point=point, action="Reset", payload={"type": "Soft"}, acting_user=user)
    assert not Command.objects.exists()


def test_a_command_is_claimed_by_one_gateway_only_and_recorded(world):
    """A pending command is sent by the first gateway that claims it; its audit entry names the action."""
    officer = factories.network_officer()
    point = factories.ChargePointFactory(station=factories.station_at(world.site_b))
    command = commands.request_command(
        charge_point=point, action="Reset", payload={"type": "Soft"}, acting_user=officer
    )
    assert commands.command_claim(command_id=command.pk, gateway_id="g1", message_id="m1") is not None
    assert commands.command_claim(command_id=command.pk, gateway_id="g2", message_id="m2") is None
    done = commands.command_record_result(command=command, result={"status": "Rejected"})
    assert (done.status, done.gateway_id) == (CommandStatus.REJECTED, "g1")
    entry = AuditEntry.objects.get(action="charging.command_request")
    assert entry.after["action"] == "Reset" and entry.actor == officer


def test_a_power_cap_is_shared_in_proportion_without_exceeding_it():
    """A cap is split by nominal power, rounded down, no point above its own power."""
    assert profiles.shares(Decimal("22"), [Decimal("22"), Decimal("22")]) == [Decimal("11.0"), Decimal("11.0")]
    assert profiles.shares(Decimal("10"), [Decimal("22"), Decimal("7.4")]) == [Decimal("7.4"), Decimal("2.5")]
    assert profiles.shares(Decimal("100"), [Decimal("22"), Decimal("7.4")]) == [Decimal("22"), Decimal("7.4")]


def test_a_station_cap_queues_one_profile_per_point_and_clearing_lifts_it(world):
    """Setting a cap queues SetChargingProfile for each point (in W) and keeps one cap in force; clearing it queues
    ClearChargingProfile and ends the cap."""
    officer = factories.network_officer()
    station = factories.station_at(world.site_b)
    factories.ChargePointFactory(station=station)
    factories.ChargePointFactory(station=station)
    profiles.station_power_cap_set(station=station, limit_kw=Decimal("30"), acting_user=officer)
    profile = profiles.station_power_cap_set(station=station, limit_kw=Decimal("22"), acting_user=officer)
    assert list(station.charging_profiles.filter(is_active=True)) == [profile]
    limits = [
        c.payload["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"]
        for c in Command.objects.filter(action="SetChargingProfile").order_by("pk")
    ]
    assert limits == [15000.0, 15000.0, 11000.0, 11000.0]
    profiles.station_power_cap_clear(station=station, acting_user=officer)
    assert not station.charging_profiles.filter(is_active=True).exists()
    assert Command.objects.filter(action="ClearChargingProfile").count() == 2
