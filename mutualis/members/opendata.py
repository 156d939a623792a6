"""The members directory as open data (registered in MembersConfig.ready through the opendata registry): the
public bodies that are active members, what they are and the competences they transferred. Only what the public
registers already say (SIREN, nature, territory) and the deliberated transfers: no contact, no person."""

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models import Min, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualis.members.choices import MemberStatus
from mutualis.members.models import CompetenceTransfer, Member
from mutualis.opendata.registry import Dataset, Place, Resource, latest_change, places
from mutualis.territory.models import Commune

SCHEMA = Path(__file__).resolve().parent / "schemas" / "adherents.json"
COLUMNS = (
    "siren",
    "nom",
    "nature",
    "nature_libelle",
    "type_etablissement",
    "code_uai",
    "departement",
    "communes",
    "epci_siren",
    "competences",
    "date_adhesion",
)


def _active() -> Any:
    return Member.objects.filter(status=MemberStatus.ACTIVE)


def directory_rows() -> Iterator[tuple[Any, ...]]:
    """One row per active member, in COLUMNS order (read in chunks: the directory may be long)."""
    today = timezone.localdate()
    members = (
        _active()
        .select_related("departement", "intercommunality")
        .prefetch_related(
            Prefetch("communes", queryset=Commune.objects.only("insee_code").order_by("insee_code")),
            Prefetch(
                "competences",
                queryset=CompetenceTransfer.objects.active_on(today).order_by("competence"),
                to_attr="competences_in_force",
            ),
        )
        .order_by("siren")
    )
    for member in members.iterator(chunk_size=500):
        yield (
            member.siren,
            member.name,
            member.kind,
            str(member.get_kind_display()),
            str(member.get_establishment_type_display()) if member.establishment_type else "",
            member.uai,
            member.departement.code,
            "|".join(commune.insee_code for commune in member.communes.all()),
            member.intercommunality.siren if member.intercommunality else "",
            "|".join(dict.fromkeys(transfer.competence for transfer in member.competences_in_force)),
            timezone.localdate(member.activated_at).isoformat() if member.activated_at else "",
        )


def spatial() -> list[Place]:
    """The communes linked to an active member, and their départements."""
    return places(
        Commune.objects.filter(members__in=_active())
        .order_by("insee_code")
        .values_list("insee_code", "name", "departement__code", "departement__name")
        .distinct()
    )


def temporal() -> tuple[datetime.date | None, datetime.date | None]:
    """From the first activation of a member to today."""
    first = _active().aggregate(first=Min("activated_at"))["first"]
    return (timezone.localdate(first) if first else None, timezone.localdate())


def last_modified() -> datetime.datetime | None:
    """The latest change of a member or of a competence transfer."""
    return latest_change(Member, CompetenceTransfer)


DATASET = Dataset(
    slug="adherents",
    title=_("Annuaire des adhérents (organismes publics)"),
    description=_(
        "Les collectivités et établissements publics adhérents en activité : SIREN, dénomination, nature, "
        "département, communes et EPCI de rattachement, compétences transférées à l'opérateur et date d'adhésion. "
        "Seuls des organismes publics y figurent, sans coordonnées ni personne."
    ),
    themes=("GOVE", "REGI"),
    keywords=("adhérents", "collectivités", "établissements publics", "SIREN", "compétences"),
    frequency="WEEKLY",
    spatial=spatial,
    temporal=temporal,
    last_modified=last_modified,
    resources=(
        Resource(
            format="csv",
            filename="adherents.csv",
            title=_("Annuaire des adhérents (CSV)"),
            header=COLUMNS,
            rows=directory_rows,
            table_schema=SCHEMA,
        ),
        Resource(
            format="json",
            filename="adherents.json",
            title=_("Annuaire des adhérents (JSON)"),
            header=COLUMNS,
            rows=directory_rows,
        ),
    ),
)
