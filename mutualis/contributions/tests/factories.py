"""Small factories for the contributions tests (territory, members, rates)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from stdnum import luhn

from mutualis.contributions.models import ContributionRate
from mutualis.members.choices import Competence, MemberKind, MemberRole, MemberStatus
from mutualis.members.models import CompetenceTransfer, Member, Membership
from mutualis.territory.models import Commune, Departement, Intercommunality


def siren_for(n: int) -> str:
    """A valid SIREN (Luhn key) built from a sequence number."""
    body = f"{21000000 + n:08d}"
    return body + luhn.calc_check_digit(body)


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "78"
    name = "Yvelines"
    siren = factory.Sequence(lambda n: siren_for(9000 + n))


class IntercommunalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intercommunality

    siren = factory.Sequence(lambda n: siren_for(5000 + n))
    name = factory.Sequence(lambda n: f"Communauté d'agglomération {n}")
    kind = "CA"
    population = 100_000


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    insee_code = factory.Sequence(lambda n: f"78{n:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    departement = factory.SubFactory(DepartementFactory)
    siren = factory.Sequence(lambda n: siren_for(1000 + n))
    population = 10_000


class MemberFactory(factory.django.DjangoModelFactory):
    """An active commune member (activated long ago) of the Yvelines."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Adhérent {n}")
    kind = MemberKind.COMMUNE
    siren = factory.Sequence(lambda n: siren_for(n))
    departement = factory.SubFactory(DepartementFactory)
    status = MemberStatus.ACTIVE
    activated_at = factory.LazyFunction(lambda: timezone.make_aware(datetime.datetime(2015, 1, 1)))

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create and extracted:
            self.communes.set(extracted)


class CompetenceTransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetenceTransfer

    member = factory.SubFactory(MemberFactory)
    competence = Competence.CENTRAL_PURCHASING
    start_date = datetime.date(2015, 1, 1)
    end_date = None


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory("mutualis.accounts.tests.factories.UserFactory")
    member = factory.SubFactory(MemberFactory)
    role = MemberRole.READER


class RateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContributionRate
        django_get_or_create = ("year", "competence")

    year = 2025
    competence = Competence.CENTRAL_PURCHASING
    per_inhabitant = Decimal("0.1500")
    floor = Decimal("500.00")
    set_at = factory.LazyFunction(timezone.now)


def commune_member(*, population: int = 10_000, competences=(Competence.CENTRAL_PURCHASING,), **kwargs) -> Member:
    """An active commune member of the given population, holding the competences since 2015."""
    member = MemberFactory(communes=[CommuneFactory(population=population)], **kwargs)
    for competence in competences:
        CompetenceTransferFactory(member=member, competence=competence)
    return member
