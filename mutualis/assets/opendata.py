"""Public equipment delivered per commune, as open data (registered in AssetsConfig.ready through the opendata
registry): how many pieces of each kind reached members' sites in each commune, year by year.

Aggregates only, and no security equipment (cameras, recorders, access readers, sensors): where a town keeps its
protection devices is not for the public to map (the same reserve as purchasing's public commune panel)."""

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models import Count, Max, Min, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from mutualis.assets.choices import AssetKind
from mutualis.assets.models import Asset
from mutualis.opendata.registry import Dataset, Place, Resource, latest_change, places

SCHEMA = Path(__file__).resolve().parent / "schemas" / "equipements-communes.json"
NOT_PUBLISHED_KINDS = (AssetKind.CAMERA, AssetKind.RECORDER, AssetKind.ACCESS_READER, AssetKind.SENSOR)
COLUMNS = ("code_insee", "nom", "departement", "annee_livraison", "nature", "nature_libelle", "nombre")
KIND_LABELS = dict(AssetKind.choices)


def published_assets() -> QuerySet[Asset]:
    """Assets delivered to a member's site, security equipment excepted."""
    return Asset.objects.filter(delivered_on__isnull=False, site__isnull=False).exclude(kind__in=NOT_PUBLISHED_KINDS)


def _groups() -> Iterator[dict[str, Any]]:
    return (
        published_assets()
        .annotate(year=ExtractYear("delivered_on"))
        .values(
            "site__commune__insee_code",
            "site__commune__name",
            "site__commune__departement__code",
            "site__commune__longitude",
            "site__commune__latitude",
            "year",
            "kind",
        )
        .annotate(count=Count("pk"))
        .order_by("site__commune__insee_code", "year", "kind")
        .iterator()
    )


def _row(group: dict[str, Any]) -> tuple[Any, ...]:
    return (
        group["site__commune__insee_code"],
        group["site__commune__name"],
        group["site__commune__departement__code"],
        group["year"],
        group["kind"],
        str(KIND_LABELS.get(group["kind"], group["kind"])),
        group["count"],
    )


def delivered_rows() -> Iterator[tuple[Any, ...]]:
    """One row per commune, year of delivery and kind, in COLUMNS order."""
    return (_row(group) for group in _groups())


def delivered_features() -> Iterator[tuple[str, Any, tuple[Any, ...]]]:
    """The same rows as points on each commune's centre (no site is located)."""
    for group in _groups():
        row = _row(group)
        longitude, latitude = group["site__commune__longitude"], group["site__commune__latitude"]
        point = {"type": "Point", "coordinates": [longitude, latitude]} if longitude is not None else None
        yield f"{row[0]}-{row[3]}-{row[4]}", point, row


def spatial() -> list[Place]:
    """The communes where equipment was delivered, and their départements."""
    return places(
        published_assets()
        .order_by("site__commune__insee_code")
        .values_list(
            "site__commune__insee_code",
            "site__commune__name",
            "site__commune__departement__code",
            "site__commune__departement__name",
        )
        .distinct()
    )


def temporal() -> tuple[datetime.date | None, datetime.date | None]:
    """From the first to the last delivery."""
    dates = published_assets().aggregate(first=Min("delivered_on"), last=Max("delivered_on"))
    return dates["first"], dates["last"]


def last_modified() -> datetime.datetime | None:
    """The latest change of an asset (a delivery, a move to another site)."""
    return latest_change(Asset)


DATASET = Dataset(
    slug="equipements-communes",
    title=_("Équipements publics livrés par commune"),
    description=_(
        "Le nombre d'équipements numériques (tablettes, ordinateurs, écrans interactifs, bornes de recharge, "
        "matériel réseau…) livrés aux sites des collectivités et établissements adhérents, par commune, année de "
        "livraison et nature. Les équipements de sécurité (vidéoprotection, contrôle d'accès, capteurs) ne sont "
        "pas publiés."
    ),
    themes=("GOVE", "TECH", "REGI"),
    keywords=("équipements publics", "numérique", "achats mutualisés", "communes"),
    frequency="WEEKLY",
    spatial=spatial,
    temporal=temporal,
    last_modified=last_modified,
    resources=(
        Resource(
            format="csv",
            filename="equipements-communes.csv",
            title=_("Équipements livrés par commune (CSV)"),
            header=COLUMNS,
            rows=delivered_rows,
            table_schema=SCHEMA,
        ),
        Resource(
            format="json",
            filename="equipements-communes.json",
            title=_("Équipements livrés par commune (JSON)"),
            header=COLUMNS,
            rows=delivered_rows,
        ),
        Resource(
            format="geojson",
            filename="equipements-communes.geojson",
            title=_("Équipements livrés par commune, au centre de chaque commune (GeoJSON)"),
            header=COLUMNS,
            features=delivered_features,
        ),
    ),
)
