"""Factories of the education app: établissements with valid UAI, owned the way the rules want."""

import datetime
from typing import Any

import factory

from mutualis.education.choices import EstablishmentKind, Sector
from mutualis.education.models import Establishment, ProjectCall, Resource, Subscription
from mutualis.education.rules import uai_key
from mutualis.members.choices import MemberKind
from mutualis.members.models import Member
from mutualis.members.tests import factories as member_factories


def valid_uai(number: int) -> str:
    """A UAI with its key letter from a 7-digit number."""
    digits = f"{number:07d}"
    return digits + uai_key(digits)


def departement_member(code: str = "78") -> Member:
    """The département as a member (its real SIREN in the territory data when there; a fictitious one otherwise)."""
    dep = member_factories.departement(code)
    existing = Member.objects.filter(kind=MemberKind.DEPARTEMENT, departement=dep).first()
    if existing is not None:
        return existing
    return member_factories.MemberFactory(
        name=f"Département {dep.name}",
        kind=MemberKind.DEPARTEMENT,
        establishment_type="",
        departement=dep,
        communes=[],
    )


class EstablishmentFactory(factory.django.DjangoModelFactory):
    """An école of Versailles owned by the commune member passed in (or a new one)."""

    class Meta:
        model = Establishment
        skip_postgeneration_save = True

    uai = factory.Sequence(lambda n: valid_uai(7810000 + n))
    name = factory.Sequence(lambda n: f"École d'essai n° {n}")
    kind = EstablishmentKind.SCHOOL
    sector = Sector.PUBLIC
    member = factory.LazyFunction(lambda: member_factories.commune_member("78646"))
    commune = factory.LazyAttribute(lambda o: o.member.communes.first() or member_factories.commune("78646"))
    pupils = 250
    classes = 10

    @factory.post_generation
    def referents(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.referents.set(extracted)


def college(member: Member | None = None, commune_code: str = "78646", **kwargs: Any) -> Establishment:
    """A collège owned by its département."""
    return EstablishmentFactory(
        kind=EstablishmentKind.COLLEGE,
        name=kwargs.pop("name", "Collège d'essai"),
        member=member or departement_member(commune_code[:2]),
        commune=member_factories.commune(commune_code),
        pupils=kwargs.pop("pupils", 600),
        classes=kwargs.pop("classes", 24),
        **kwargs,
    )


class ResourceFactory(factory.django.DjangoModelFactory):
    """A resource of the ENT's catalogue."""

    class Meta:
        model = Resource

    publisher = "Playbac"
    title = factory.Sequence(lambda n: f"Ressource n° {n}")
    description = "Presse quotidienne numérique"


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A free subscription of 30 licences for the school year 2025-2026."""

    class Meta:
        model = Subscription

    establishment = factory.SubFactory(EstablishmentFactory)
    resource = factory.SubFactory(ResourceFactory)
    starts_on = datetime.date(2025, 9, 1)
    ends_on = datetime.date(2026, 8, 31)
    licences = 30


class ProjectCallFactory(factory.django.DjangoModelFactory):
    """Robotyc, open for applications now, two places, a robot kit."""

    class Meta:
        model = ProjectCall

    school_year = "2025-2026"
    title = factory.Sequence(lambda n: f"Robotyc {n}")
    theme = "Le robot écolo : trieur de déchets"
    eligible_classes = "3e, dont ULIS, UPE2A et SEGPA"
    capacity = 2
    opens_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=20))
    starts_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=200))
    kit_description = "Kit robotique programmable"
    kit_kind = "robot"
