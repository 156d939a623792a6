"""Factories of the members app, and the few real territory rows tests need (fast: no full territory load).

The territory rows carry their real codes and SIRENs and are fetched by code when they already exist, so these
factories also work next to the `territory` fixture (the whole real territory).
"""

import datetime

import factory
from stdnum import luhn

from mutualis.accounts.tests.factories import UserFactory
from mutualis.members.choices import Competence, EstablishmentType, MemberKind, MemberRole, MemberStatus, SiteKind
from mutualis.members.models import CompetenceTransfer, Member, Membership, Site
from mutualis.territory.models import Commune, Departement, Intercommunality
from mutualis.territory.names import commune_of


def make_siren(base: str) -> str:
    """A valid SIREN from 8 digits: the Luhn key is appended."""
    return base + luhn.calc_check_digit(base)


def make_siret(siren: str, nic: str = "0001") -> str:
    """A valid SIRET: the SIREN, a 4-digit establishment number and the Luhn key of the whole."""
    return siren + nic + luhn.calc_check_digit(siren + nic)


DEPARTEMENTS = {
    "78": {"name": "Yvelines", "siren": "227806460", "chef_lieu_code": "78646"},
    "92": {"name": "Hauts-de-Seine", "siren": "229200506", "chef_lieu_code": "92050"},
}
INTERCOMMUNALITIES = {
    "247800584": {"name": "CA Versailles Grand Parc (CAVGP)", "kind": "CA", "population": 273663},
    "200058782": {"name": "CA de Saint Quentin en Yvelines", "kind": "CA", "population": 236416},
    "200054781": {"name": "Métropole du Grand Paris", "kind": "METRO", "population": 7163419},
    "200057974": {"name": "Grand Paris Seine Ouest", "kind": "EPT", "population": 321106},
}
# INSEE code → name, SIREN, département, EPCI SIREN, EPT SIREN, population, centroid, postal code (real values).
COMMUNES = {
    "78646": ("Versailles", "217806462", "78", "247800584", None, 84095, 48.80229, 2.1175, "78000"),
    "78686": ("Viroflay", "217806868", "78", "247800584", None, 17237, 48.80272, 2.17131, "78220"),
    "78423": ("Montigny-le-Bretonneux", "217804236", "78", "200058782", None, 32465, 48.77989, 2.02985, "78180"),
    "92012": ("Boulogne-Billancourt", "219200128", "92", "200054781", "200057974", 119019, 48.83641, 2.23909, "92100"),
    "92040": ("Issy-les-Moulineaux", "219200409", "92", "200054781", "200057974", 67669, 48.82314, 2.26488, "92130"),
}


def departement(code: str = "78") -> Departement:
    """A real département (created if missing)."""
    obj, _ = Departement.objects.get_or_create(code=code, defaults=DEPARTEMENTS[code])
    return obj


def intercommunality(siren: str) -> Intercommunality:
    """A real EPCI or EPT (created if missing)."""
    obj, _ = Intercommunality.objects.get_or_create(siren=siren, defaults=INTERCOMMUNALITIES[siren])
    return obj


def commune(insee_code: str = "78646") -> Commune:
    """A real commune with its département and intercommunalities (created if missing)."""
    existing = Commune.objects.filter(insee_code=insee_code).first()
    if existing is not None:
        return existing
    name, siren, dep, epci, ept, population, lat, lon, postal_code = COMMUNES[insee_code]
    return Commune.objects.create(
        insee_code=insee_code,
        name=name,
        siren=siren,
        departement=departement(dep),
        epci=intercommunality(epci),
        ept=intercommunality(ept) if ept else None,
        population=population,
        postal_codes=[postal_code],
        latitude=lat,
        longitude=lon,
    )


class MemberFactory(factory.django.DjangoModelFactory):
    """An active public establishment (a collège) in Versailles, with a valid fictitious SIREN."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Collège d'essai n° {n}")
    kind = MemberKind.PUBLIC_ESTABLISHMENT
    establishment_type = EstablishmentType.COLLEGE
    siren = factory.Sequence(lambda n: make_siren(f"99{n:06d}"))
    siret = factory.LazyAttribute(lambda o: make_siret(o.siren))
    departement = factory.LazyFunction(lambda: departement("78"))
    status = MemberStatus.ACTIVE

    @factory.post_generation
    def communes(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            self.communes.set(extracted if extracted is not None else [commune("78646")])


def commune_member(insee_code: str, **kwargs: object) -> Member:
    """The commune itself as a member (its real SIREN), active unless told otherwise."""
    place = commune(insee_code)
    defaults = {
        "name": commune_of(place.name),
        "kind": MemberKind.COMMUNE,
        "establishment_type": "",
        "siren": place.siren,
        "siret": make_siret(place.siren, "0001"),
        "departement": place.departement,
        "intercommunality": place.ept or place.epci,
        "communes": [place],
    }
    return MemberFactory(**(defaults | kwargs))


class CompetenceTransferFactory(factory.django.DjangoModelFactory):
    """A central purchasing transfer since 1 January 2024, open-ended."""

    class Meta:
        model = CompetenceTransfer

    member = factory.SubFactory(MemberFactory)
    competence = Competence.CENTRAL_PURCHASING
    start_date = datetime.date(2024, 1, 1)
    end_date = None


class SiteFactory(factory.django.DjangoModelFactory):
    """A site of a member, in the member's first commune."""

    class Meta:
        model = Site

    member = factory.SubFactory(MemberFactory)
    name = factory.Sequence(lambda n: f"Site n° {n}")
    kind = SiteKind.ADMINISTRATIVE
    address = "1 place de l'Hôtel de Ville"
    commune = factory.LazyAttribute(lambda o: o.member.communes.first() or commune("78646"))
    latitude = 48.80
    longitude = 2.12


class MembershipFactory(factory.django.DjangoModelFactory):
    """A user's role in a member (reader by default)."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    member = factory.SubFactory(MemberFactory)
    role = MemberRole.READER
