"""Factories of the fibre app, operator files as tests write them, and the staff accounts the fibre roles need."""

import datetime
import io
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import factory

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.fibre.choices import AddressState, PMZoneState
from mutualis.fibre.models import Address, DeploymentPlan, FibreImport, PMZone, YearlyTarget
from mutualis.fibre.services.imports import import_run
from mutualis.members.testing import World
from mutualis.members.tests.factories import commune

GRACETHD_HEADER = (
    "ad_code;ad_ban_id;ad_hexacle;ad_insee;ad_numero;ad_rep;ad_nomvoie;ad_nblhab;ad_nblpro;ad_ietat;"
    "ad_idatsgn;ad_idatcab;ad_idatcom;ad_isole;ad_imneuf;zs_code"
)
IPE_HEADER = (
    "IdentifiantImmeuble;EtatImmeuble;CodeInseeImmeuble;CodePostalImmeuble;CommuneImmeuble;CodeAdresseImmeuble;"
    "NumeroVoieImmeuble;ComplementNumeroVoieImmeuble;TypeVoieImmeuble;NomVoieImmeuble;BatimentImmeuble;"
    "NombreLogementsAdresseIPE;ReferencePM;EtatPM;DateSignatureConvention;DateCablageAdresse;"
    "DateMiseEnServiceCommercialeImmeuble;ImmeubleNeuf"
)


def network_officer(email: str = "reseaux@operateur.example.fr") -> Any:
    """An operator's network officer (« chargé des réseaux »)."""
    return StaffFactory(email=email, staff_role="network_officer")


def purchasing_officer(email: str = "achats@operateur.example.fr") -> Any:
    """Operator staff without the network role: reads the fibre pages, changes nothing."""
    return StaffFactory(email=email, staff_role="purchasing_officer")


def with_staff(world: World, user: Any) -> World:
    """The same world with another account in the `staff` role (to run a role matrix for one staff role)."""
    return replace(world, users={**world.users, "staff": user})


class PlanFactory(factory.django.DjangoModelFactory):
    """A deployment plan (Versailles by default)."""

    class Meta:
        model = DeploymentPlan

    commune = factory.LazyFunction(lambda: commune("78646"))
    premises_planned = 100
    contractor = "Titulaire fictif"


class TargetFactory(factory.django.DjangoModelFactory):
    """A plan's yearly target."""

    class Meta:
        model = YearlyTarget

    plan = factory.SubFactory(PlanFactory)
    year = 2025
    premises = 50


class PMZoneFactory(factory.django.DjangoModelFactory):
    """A PM zone, commissioned on 1 March 2025 unless told otherwise."""

    class Meta:
        model = PMZone

    reference = factory.Sequence(lambda n: f"PM-TEST-{n:03d}")
    commune = factory.LazyFunction(lambda: commune("78646"))
    state = PMZoneState.COMMISSIONED
    premises_planned = 50
    planned_on = datetime.date(2025, 2, 1)
    commissioned_on = datetime.date(2025, 3, 1)


class AddressFactory(factory.django.DjangoModelFactory):
    """A deployed address with one dwelling, in its PM zone's commune."""

    class Meta:
        model = Address

    code = factory.Sequence(lambda n: f"AD{n:08d}")
    pm_zone = factory.SubFactory(PMZoneFactory)
    commune = factory.LazyAttribute(lambda address: address.pm_zone.commune if address.pm_zone else commune("78646"))
    label = "1 RUE DE LA MAIRIE"
    dwellings = 1
    state = AddressState.DEPLOYED
    cabled_on = datetime.date(2025, 1, 15)


def gracethd_line(
    code: str,
    *,
    insee: str = "78646",
    state: str = "DE",
    dwellings: str = "1",
    business: str = "0",
    signed: str = "2024-06-01",
    cabled: str = "2025-01-15",
    opened: str = "",
    pm: str = "",
    ban: str = "",
    hexacle: str = "",
    number: str = "1",
    street: str = "RUE DE LA MAIRIE",
) -> str:
    """One t_adresse line in GRACETHD_HEADER's order."""
    return ";".join(
        [
            code,
            ban,
            hexacle,
            insee,
            number,
            "",
            street,
            dwellings,
            business,
            state,
            signed,
            cabled,
            opened,
            "f",
            "f",
            pm,
        ]
    )


def gracethd_file(lines: Iterable[str], header: str = GRACETHD_HEADER, encoding: str = "utf-8") -> bytes:
    """A GraceTHD t_adresse CSV file."""
    return ("\n".join([header, *lines]) + "\n").encode(encoding)


def ipe_line(
    code: str,
    *,
    state: str = "DEPLOYE",
    insee: str = "78646",
    dwellings: str = "1",
    pm: str = "",
    signed: str = "20240601",
    cabled: str = "20250115",
    opened: str = "",
    hexacle: str = "",
    street: str = "DE LA MAIRIE",
) -> str:
    """One IPE line in IPE_HEADER's order."""
    return ";".join(
        [
            code,
            state,
            insee,
            "78000",
            "VERSAILLES",
            hexacle,
            "1",
            "",
            "RUE",
            street,
            "",
            dwellings,
            pm,
            "DEPLOYE" if pm else "",
            signed,
            cabled,
            opened,
            "N",
        ]
    )


def ipe_file(lines: Iterable[str], encoding: str = "cp1252") -> bytes:
    """An IPE CSV file (Windows-1252 by default, as operators usually send it)."""
    return gracethd_file(lines, header=IPE_HEADER, encoding=encoding)


def run_import(data: bytes, layout: str = "gracethd", user: Any = None, name: str = "fichier.csv") -> FibreImport:
    """Import file content now, through the service, as the task or the command would: the finished import."""
    fibre_import = FibreImport.objects.create(layout=layout, file_name=name, size=len(data), created_by=user)
    return import_run(fibre_import=fibre_import, stream=io.BytesIO(data))
