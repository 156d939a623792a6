"""Purchasing's open data (registered in PurchasingConfig.ready through the opendata registry): the essential data
of public procurement (DECP 2.0) at /opendata/decp.json, validated against the national JSON Schema."""

import datetime

from django.conf import settings
from django.db.models import Max, Min
from django.utils.translation import gettext_lazy as _

from mutualis.opendata.registry import Dataset, Place, Resource, latest_change
from mutualis.purchasing import decp
from mutualis.purchasing.models import Amendment, FrameworkAgreement, Lot, LotHolder
from mutualis.territory.models import Departement


def spatial() -> list[Place]:
    """Where the agreements are executed (OPERATOR_EXECUTION_PLACE, a département code by default)."""
    if settings.OPERATOR_EXECUTION_PLACE_TYPE != "Code département":
        return []
    departement = Departement.objects.filter(code=settings.OPERATOR_EXECUTION_PLACE).only("code", "name").first()
    return [Place(departement.code, departement.name, "departement")] if departement else []


def temporal() -> tuple[datetime.date | None, datetime.date | None]:
    """From the first to the last notification of a published agreement."""
    dates = decp.published_agreements().aggregate(first=Min("notification_date"), last=Max("notification_date"))
    return dates["first"], dates["last"]


def last_modified() -> datetime.datetime | None:
    """The latest change of an agreement, a lot, a lot holder or an amendment."""
    return latest_change(FrameworkAgreement, Lot, LotHolder, Amendment)


DATASET = Dataset(
    slug="decp",
    title=_("Données essentielles de la commande publique (DECP)"),
    description=_(
        "Les données essentielles des accords-cadres de la centrale d'achat, en vigueur ou terminés, avec leurs "
        "avenants : objet, code CPV, procédure, durée, montant maximum, titulaires (SIRET), dates de notification. "
        "Publication prévue par les articles L2196-2 et R2196-1 du code de la commande publique, au format "
        "national DECP 2.0."
    ),
    themes=("GOVE", "ECON"),
    keywords=("commande publique", "marchés publics", "DECP", "accords-cadres", "centrale d'achat"),
    frequency="MONTHLY",
    conforms_to="https://schema.data.gouv.fr/139bercy/format-commande-publique/2.0.3/marches.json",
    conforms_to_label="DECP 2.0 (139bercy/format-commande-publique 2.0.3)",
    spatial=spatial,
    temporal=temporal,
    last_modified=last_modified,
    refresh_minutes=24 * 60,
    resources=(
        Resource(
            format="json",
            filename="decp.json",
            title=_("Marchés (DECP 2.0, JSON)"),
            items=decp.decp_records,
            envelope=("marches", "marche"),
            json_schema=decp.SCHEMA_PATH,
        ),
    ),
)
