"""Factories of the supervision app: protected sites with their authorisation, sources with a known token, devices,
habilitations, alarms, and the operator accounts the console needs."""

import datetime
import hashlib
from typing import Any

import factory
from django.utils import timezone

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.members.tests.factories import SiteFactory
from mutualis.supervision import rules
from mutualis.supervision.choices import AlarmStatus, DeviceKind, EventKind, HabilitationKind, Priority, SourceKind
from mutualis.supervision.models import (
    Alarm,
    Authorisation,
    Device,
    EscalationContact,
    EventSource,
    Habilitation,
    ProtectedSite,
)

# The token every factory-made source accepts (only its hash is stored, as the services do).
SOURCE_TOKEN = "jeton-de-test-supervision-0123456789"


def token_hash(token: str) -> str:
    """The stored form of a source token."""
    return hashlib.sha256(token.encode()).hexdigest()


def supervision_operator(email: str = "operateur@operateur.example.fr") -> Any:
    """An operator of the supervision centre (« opérateur de supervision »)."""
    return StaffFactory(email=email, staff_role="supervision_operator")


class ProtectedSiteFactory(factory.django.DjangoModelFactory):
    """A member's site under supervision (a town hall unless told otherwise)."""

    class Meta:
        model = ProtectedSite
        django_get_or_create = ("site",)

    site = factory.SubFactory(SiteFactory)
    signage_installed = True


class AuthorisationFactory(factory.django.DjangoModelFactory):
    """An arrêté in force since 1 January 2025 for five years, covering the public space, 30 days' retention."""

    class Meta:
        model = Authorisation

    protected_site = factory.SubFactory(ProtectedSiteFactory)
    arrete_reference = factory.Sequence(lambda n: f"AP-2025-{n:04d}")
    arrete_date = datetime.date(2024, 12, 15)
    prefecture = "Préfecture des Yvelines"
    purposes = ["public_buildings", "offences"]
    retention_days = 30
    covers_public_space = True
    valid_from = datetime.date(2025, 1, 1)
    valid_until = factory.LazyAttribute(lambda o: rules.authorisation_valid_until(o.valid_from))


class EventSourceFactory(factory.django.DjangoModelFactory):
    """A webhook source with a token of its own (`token=SOURCE_TOKEN` for the one a test sends)."""

    class Meta:
        model = EventSource
        django_get_or_create = ("name",)

    class Params:
        token = factory.Sequence(lambda n: f"jeton-de-test-{n:06d}-0123456789abcdef")

    name = factory.Sequence(lambda n: f"source-{n}")
    kind = SourceKind.WEBHOOK
    token_hash = factory.LazyAttribute(lambda o: token_hash(o.token))
    token_prefix = factory.LazyAttribute(lambda o: o.token[:8])


class DeviceFactory(factory.django.DjangoModelFactory):
    """A supervised fixed camera, outdoors, not filming the public space."""

    class Meta:
        model = Device

    protected_site = factory.SubFactory(ProtectedSiteFactory)
    kind = DeviceKind.FIXED_CAMERA
    name = factory.Sequence(lambda n: f"Caméra {n}")
    source = factory.SubFactory(EventSourceFactory)
    external_id = factory.Sequence(lambda n: f"CAM-{n:05d}")
    is_active = True
    is_supervised = True


class HabilitationFactory(factory.django.DjangoModelFactory):
    """An operator habilitated for a site, with images."""

    class Meta:
        model = Habilitation

    protected_site = factory.SubFactory(ProtectedSiteFactory)
    user = factory.LazyFunction(supervision_operator)
    kind = HabilitationKind.OPERATOR
    can_view_images = True


class AlarmFactory(factory.django.DjangoModelFactory):
    """A new intrusion alarm on a device of a site."""

    class Meta:
        model = Alarm

    device = factory.SubFactory(DeviceFactory)
    protected_site = factory.LazyAttribute(lambda o: o.device.protected_site)
    kind = EventKind.INTRUSION
    title = factory.LazyAttribute(lambda o: f"Intrusion — {o.device.name}")
    priority = Priority.HIGH
    status = AlarmStatus.NEW
    first_event_at = factory.LazyFunction(timezone.now)
    last_event_at = factory.LazyAttribute(lambda o: o.first_event_at)
    event_count = 1


class EscalationContactFactory(factory.django.DjangoModelFactory):
    """The first contact of a site's escalation chain, after 5 minutes."""

    class Meta:
        model = EscalationContact

    protected_site = factory.SubFactory(ProtectedSiteFactory)
    position = factory.Sequence(lambda n: n + 1)
    role = "on_call_technician"
    name = factory.Sequence(lambda n: f"Astreinte {n}")
    phone = "0102030405"
    delay_minutes = 5


def tenant_rows(site: Any) -> None:
    """One row of every supervision tenant model for a member's site (the house scoping test)."""
    from mutualis.supervision.models import (
        DeviceActivity,
        EscalationStep,
        Event,
        OpeningPeriod,
        PoliceCall,
        PriorityRule,
        TimelineEntry,
    )

    protected = ProtectedSiteFactory(site=site)
    AuthorisationFactory(protected_site=protected)
    OpeningPeriod.objects.create(
        protected_site=protected, weekday=0, opens_at=datetime.time(8), closes_at=datetime.time(17)
    )
    HabilitationFactory(protected_site=protected)
    device = DeviceFactory(protected_site=protected)
    alarm = AlarmFactory(device=device)
    Event.objects.create(
        source=device.source,
        source_event_id=f"e-{site.pk}",
        device=device,
        kind="intrusion",
        occurred_at=timezone.now(),
        alarm=alarm,
    )
    TimelineEntry.objects.create(alarm=alarm, at=timezone.now(), kind="created")
    PoliceCall.objects.create(
        alarm=alarm,
        called_by=supervision_operator(),
        called_at=timezone.now(),
        service="17",
        reference="R",
        evidence_reference="snapshot:1",
    )
    contact = EscalationContactFactory(protected_site=protected)
    EscalationStep.objects.create(alarm=alarm, contact=contact, level=1, at=timezone.now(), channel="phone")
    PriorityRule.objects.create(protected_site=protected, kind="motion", priority=Priority.LOW)
    DeviceActivity.objects.create(
        device=device, hour=timezone.now().replace(minute=0, second=0, microsecond=0), count=1
    )
