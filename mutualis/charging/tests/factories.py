"""Factories of the charging app, and the staff accounts the charging roles need."""

import datetime
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.charging.choices import CommandAction, IdTagStatus, OcppVersion, SessionStatus
from mutualis.charging.models import ChargePoint, ChargingSession, Command, Connector, IdTag, MeterValue, Station
from mutualis.members.choices import Competence
from mutualis.members.models import Member, Site
from mutualis.members.tests.factories import CompetenceTransferFactory, SiteFactory


def network_officer(email: str = "reseaux@operateur.example.fr") -> Any:
    """An operator's network officer (« chargé des réseaux »): keeps the charging registry, sends commands."""
    return StaffFactory(email=email, staff_role="network_officer")


def purchasing_officer(email: str = "achats@operateur.example.fr") -> Any:
    """Operator staff without the network role: reads the charging pages, changes nothing."""
    return StaffFactory(email=email, staff_role="purchasing_officer")


def with_ev_charging(member: Member) -> Member:
    """The member with the EV charging competence transferred since 1 January 2024 (if it did not already)."""
    if not member.competences.filter(competence=Competence.EV_CHARGING).exists():
        CompetenceTransferFactory(
            member=member, competence=Competence.EV_CHARGING, start_date=datetime.date(2024, 1, 1)
        )
    return member


class StationFactory(factory.django.DjangoModelFactory):
    """A published street station at a car park site of a member, AFIREV id with the default prefix."""

    class Meta:
        model = Station

    site = factory.SubFactory(SiteFactory, kind="car_park")
    id_station_itinerance = factory.Sequence(lambda n: f"FRSYNP{n:06d}")
    name = factory.Sequence(lambda n: f"Station n° {n}")
    commune = factory.LazyAttribute(lambda o: o.site.commune)
    address = "1 place de la Mairie"
    latitude = 48.80
    longitude = 2.13


class ChargePointFactory(factory.django.DjangoModelFactory):
    """A 22 kW OCPP 1.6J charge point with a type 2 socket, its connector 0 and connector 1 rows."""

    class Meta:
        model = ChargePoint
        skip_postgeneration_save = True

    station = factory.SubFactory(StationFactory)
    id_pdc_itinerance = factory.Sequence(lambda n: f"FRSYNE{n:07d}")
    ocpp_identity = factory.Sequence(lambda n: f"CP-{n:05d}")
    ocpp_version = OcppVersion.V16
    power_kw = Decimal("22")
    socket_type_2 = True

    @factory.post_generation
    def connectors(self, create: bool, extracted: int | None, **kwargs: Any) -> None:
        if create:
            count = 1 if extracted is None else extracted
            Connector.objects.bulk_create(
                [Connector(charge_point=self, evse_id=n, connector_id=n) for n in range(0, count + 1)]
            )


class IdTagFactory(factory.django.DjangoModelFactory):
    """An accepted badge of a member, without expiry."""

    class Meta:
        model = IdTag

    id_tag = factory.Sequence(lambda n: f"TAG{n:06d}")
    member = factory.SubFactory("mutualis.members.tests.factories.MemberFactory")
    holder = "Services techniques"
    status = IdTagStatus.ACCEPTED


class SessionFactory(factory.django.DjangoModelFactory):
    """A completed 1.6 session of 7 kWh an hour long, yesterday."""

    class Meta:
        model = ChargingSession

    charge_point = factory.SubFactory(ChargePointFactory)
    ocpp_version = OcppVersion.V16
    transaction_ref = factory.Sequence(lambda n: str(100000 + n))
    status = SessionStatus.COMPLETED
    id_tag = "TAG-TEST"
    started_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    stopped_at = factory.LazyAttribute(lambda o: o.started_at + datetime.timedelta(hours=1))
    meter_start_wh = 1000
    meter_stop_wh = 8000
    stop_reason = "Local"


class MeterValueFactory(factory.django.DjangoModelFactory):
    """An energy register reading of a session."""

    class Meta:
        model = MeterValue

    session = factory.SubFactory(SessionFactory)
    charge_point = factory.LazyAttribute(lambda o: o.session.charge_point)
    connector_id = 1
    timestamp = factory.LazyFunction(timezone.now)
    value = 4500.0
    unit = "Wh"


class CommandFactory(factory.django.DjangoModelFactory):
    """A pending Reset command."""

    class Meta:
        model = Command

    charge_point = factory.SubFactory(ChargePointFactory)
    action = CommandAction.RESET
    payload = factory.LazyFunction(lambda: {"type": "Soft"})
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=1))


def station_at(site: Site, **kwargs: Any) -> Station:
    """A station at a given site (its member given the EV charging competence)."""
    with_ev_charging(site.member)
    return StationFactory(site=site, commune=site.commune, **kwargs)
