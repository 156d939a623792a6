"""Services the operator offers, and which member may use them: one needs the matching competence on the day.

Later apps (purchasing, supervision, charging…) ask `member_has_competence` before letting a member use them, and
the member space lists `member_offered_services`.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mutualis.members.choices import Competence, MemberStatus
from mutualis.members.models import CompetenceTransfer, Member


@dataclass(frozen=True)
class OfferedService:
    """A service of the operator, open to the members that transferred its competence."""

    key: str
    label: str | Promise
    description: str | Promise
    competence: str
    url_name: str = ""  # the page where a member uses the service on the platform, when it has one


SERVICES: tuple[OfferedService, ...] = (
    OfferedService(
        key="central_purchasing",
        label=_("Centrale d'achat"),
        description=_("Commander matériels et prestations sur les accords-cadres de l'opérateur."),
        competence=Competence.CENTRAL_PURCHASING,
        url_name="purchasing:catalogue",
    ),
    OfferedService(
        key="digital_education",
        label=_("Numérique éducatif"),
        description=_("Équipement des collèges et écoles, ressources de l'ENT, prêts de matériel."),
        competence=Competence.DIGITAL_EDUCATION,
    ),
    OfferedService(
        key="video_protection",
        label=_("Vidéoprotection"),
        description=_("Caméras supervisées par le centre de l'opérateur, réquisitions et conservation des images."),
        competence=Competence.VIDEO_PROTECTION,
    ),
    OfferedService(
        key="ev_charging",
        label=_("Recharge de véhicules électriques (IRVE)"),
        description=_("Bornes de recharge exploitées par l'opérateur, sessions et données IRVE publiées."),
        competence=Competence.EV_CHARGING,
    ),
    OfferedService(
        key="broadband",
        label=_("Très haut débit"),
        description=_("Suivi du déploiement de la fibre (FTTH) sur le territoire du membre."),
        competence=Competence.BROADBAND,
    ),
    OfferedService(
        key="data_smart_city",
        label=_("Données et ville intelligente"),
        description=_("Catalogue de données ouvertes, portail citoyen et exports normalisés."),
        competence=Competence.DATA_SMART_CITY,
    ),
)
SERVICES_BY_KEY = {service.key: service for service in SERVICES}


def member_has_competence(member: Member, competence: str, day: datetime.date | None = None) -> bool:
    """True if a transfer of `competence` by the member is in force on `day` (today by default)."""
    day = day or timezone.localdate()
    return CompetenceTransfer.objects.filter(member=member, competence=competence).active_on(day).exists()


def member_offered_services(member: Member, day: datetime.date | None = None) -> list[OfferedService]:
    """The services open to an active member on `day`: those whose competence it holds that day."""
    if member.status != MemberStatus.ACTIVE:
        return []
    day = day or timezone.localdate()
    held = set(CompetenceTransfer.objects.filter(member=member).active_on(day).values_list("competence", flat=True))
    return [service for service in SERVICES if service.competence in held]
