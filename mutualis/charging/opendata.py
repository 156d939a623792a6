"""IRVE open data: the static description of every published charge point (schéma IRVE statique v2.3.0) and its
live state (schéma IRVE dynamique v2.3.0), as CSV files streamed at /opendata/irve-statique.csv and
/opendata/irve-dynamique.csv.

The row producers are plain generators with their header lists (`IRVE_STATIQUE_COLUMNS` / `irve_statique_rows()`,
`IRVE_DYNAMIQUE_COLUMNS` / `irve_dynamique_rows()`) so that an open data catalogue can publish them as they are.
The official schemas are copied in `standards/` (Etalab, github.com/etalab/schema-irve v2.3.0, Licence Ouverte 2.0);
the tests validate both files against them with frictionless.

Both are datasets of the open data catalogue (registered in ChargingConfig.ready): the worker generates and validates
the files, /opendata/<file> serves them; the live charging map is a widget of the portal's home.
"""

import datetime
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualis.charging.models import ChargePoint, Connector, Station
from mutualis.charging.selectors.public import irve_dynamic_row, public_station_list
from mutualis.charging.selectors.registry import point_state
from mutualis.charging.views.public import public_map_labels
from mutualis.opendata.registry import Dataset, Place, Resource, latest_change, places

STANDARDS = Path(__file__).resolve().parent / "standards"

IRVE_STATIQUE_COLUMNS = [
    "nom_amenageur",
    "siren_amenageur",
    "contact_amenageur",
    "nom_operateur",
    "contact_operateur",
    "telephone_operateur",
    "nom_enseigne",
    "id_station_itinerance",
    "id_station_local",
    "nom_station",
    "implantation_station",
    "adresse_station",
    "code_insee_commune",
    "coordonneesXY",
    "nbre_pdc",
    "id_pdc_itinerance",
    "id_pdc_local",
    "puissance_nominale",
    "prise_type_ef",
    "prise_type_2",
    "prise_type_combo_ccs",
    "prise_type_chademo",
    "prise_type_autre",
    "gratuit",
    "paiement_acte",
    "paiement_cb",
    "paiement_autre",
    "tarification",
    "condition_acces",
    "reservation",
    "horaires",
    "accessibilite_pmr",
    "restriction_gabarit",
    "station_deux_roues",
    "raccordement",
    "num_pdl",
    "date_mise_en_service",
    "observations",
    "date_maj",
    "cable_t2_attache",
]
IRVE_DYNAMIQUE_COLUMNS = [
    "id_pdc_itinerance",
    "etat_pdc",
    "occupation_pdc",
    "horodatage",
    "etat_prise_type_2",
    "etat_prise_type_combo_ccs",
    "etat_prise_type_chademo",
    "etat_prise_type_ef",
]


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _number(value: Any) -> str:
    # « 22.00 » → « 22 », « 7.40 » → « 7.4 »: the schema's number, with a dot.
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def irve_statique_rows() -> Iterator[dict[str, str]]:
    """One row per charge point of every published station, with the IRVE statique v2.3.0 columns (the operator
    is both aménageur and opérateur; date_maj is the last change of the station or the point)."""
    siren = settings.OPERATOR_SIRET[:9]
    for station in public_station_list().iterator(chunk_size=200):
        points = list(station.charge_points.all())
        for cp in points:
            updated = max(station.updated_at, cp.updated_at)
            yield {
                "nom_amenageur": settings.OPERATOR_NAME,
                "siren_amenageur": siren,
                "contact_amenageur": settings.CHARGING_OPERATOR_EMAIL,
                "nom_operateur": settings.OPERATOR_NAME,
                "contact_operateur": settings.CHARGING_OPERATOR_EMAIL,
                "telephone_operateur": settings.CHARGING_OPERATOR_PHONE,
                "nom_enseigne": settings.CHARGING_BRAND,
                "id_station_itinerance": station.id_station_itinerance,
                "id_station_local": station.id_station_local,
                "nom_station": station.name,
                "implantation_station": station.implantation,
                "adresse_station": station.address,
                "code_insee_commune": station.commune.insee_code,
                "coordonneesXY": f"[{station.longitude:.6f},{station.latitude:.6f}]",
                "nbre_pdc": str(len(points)),
                "id_pdc_itinerance": cp.id_pdc_itinerance,
                "id_pdc_local": cp.id_pdc_local,
                "puissance_nominale": _number(cp.power_kw),
                "prise_type_ef": _bool(cp.socket_type_ef),
                "prise_type_2": _bool(cp.socket_type_2),
                "prise_type_combo_ccs": _bool(cp.socket_combo_ccs),
                "prise_type_chademo": _bool(cp.socket_chademo),
                "prise_type_autre": _bool(cp.socket_other),
                "gratuit": _bool(station.free_of_charge),
                "paiement_acte": _bool(station.payment_per_session),
                "paiement_cb": _bool(station.payment_card),
                "paiement_autre": _bool(station.payment_other),
                "tarification": station.tariff,
                "condition_acces": station.access_condition,
                "reservation": _bool(station.reservable),
                "horaires": station.opening_hours,
                "accessibilite_pmr": station.pmr_accessibility,
                "restriction_gabarit": station.height_restriction,
                "station_deux_roues": _bool(station.two_wheelers),
                "raccordement": station.grid_connection,
                "num_pdl": station.pdl_number,
                "date_mise_en_service": station.commissioned_on.isoformat() if station.commissioned_on else "",
                "observations": station.notes.replace("\r", " ").replace("\n", " "),
                "date_maj": timezone.localtime(updated).date().isoformat(),
                "cable_t2_attache": _bool(cp.cable_t2_attached),
            }


def irve_dynamique_row(cp: ChargePoint) -> dict[str, str]:
    """The IRVE dynamique row of one charge point (connectors prefetched), from selectors.public.irve_dynamic_row
    (the OCPP → IRVE mapping), its time written as ISO 8601."""
    row = irve_dynamic_row(point_state(cp))
    row["horodatage"] = timezone.localtime(row["horodatage"]).isoformat(timespec="seconds")
    return row


def irve_dynamique_rows() -> Iterator[dict[str, str]]:
    """One row per charge point of every published station, with the IRVE dynamique v2.3.0 columns."""
    for station in public_station_list().iterator(chunk_size=200):
        for cp in station.charge_points.all():
            yield irve_dynamique_row(cp)


def _as_tuples(columns: list[str], rows: Iterable[dict[str, str]]) -> Iterator[tuple[str, ...]]:
    return (tuple(row.get(name, "") for name in columns) for row in rows)


def spatial() -> list[Place]:
    """The communes of the published stations and their départements."""
    rows = (
        Station.objects.filter(is_published=True)
        .order_by("commune__insee_code")
        .values_list("commune__insee_code", "commune__name", "commune__departement__code", "commune__departement__name")
        .distinct()
    )
    return places(rows)


def temporal() -> tuple[datetime.date | None, datetime.date | None]:
    """From the first commissioning of a published station to today."""
    first = Station.objects.filter(is_published=True).aggregate(first=Min("commissioned_on"))["first"]
    return (first, timezone.localdate())


def statique_last_modified() -> datetime.datetime | None:
    """The latest change of a station or a charge point."""
    return latest_change(Station, ChargePoint)


def dynamique_last_modified() -> datetime.datetime | None:
    """The latest change of a connector's state (or of the registry)."""
    return max((d for d in (latest_change(Connector, field="status_at"), statique_last_modified()) if d), default=None)


SCHEMA_IRVE_STATIQUE = "https://schema.data.gouv.fr/etalab/schema-irve-statique/"
SCHEMA_IRVE_DYNAMIQUE = "https://schema.data.gouv.fr/etalab/schema-irve-dynamique/"
KEYWORDS = ("IRVE", "borne de recharge", "véhicule électrique", "mobilité", "AFIREV")

IRVE_STATIQUE = Dataset(
    slug="irve-statique",
    title=_("Infrastructures de recharge pour véhicules électriques (IRVE) — données statiques"),
    description=_(
        "Chaque point de recharge public du réseau, une ligne par point : aménageur et opérateur (le syndicat), "
        "identifiants d'itinérance AFIREV de la station et du point, adresse, coordonnées, puissance, prises, "
        "paiement, accès, horaires, accessibilité. Publié au schéma national IRVE statique v2.3.0 (arrêté du "
        "12 janvier 2017, décret 2017-26)."
    ),
    themes=("TRAN", "ENER"),
    keywords=KEYWORDS,
    frequency="DAILY",
    conforms_to=SCHEMA_IRVE_STATIQUE,
    conforms_to_label="IRVE statique v2.3.0",
    spatial=spatial,
    temporal=temporal,
    last_modified=statique_last_modified,
    refresh_minutes=60,
    resources=(
        Resource(
            format="csv",
            filename="irve-statique.csv",
            title=_("Points de recharge (CSV, schéma IRVE statique)"),
            header=IRVE_STATIQUE_COLUMNS,
            rows=lambda: _as_tuples(IRVE_STATIQUE_COLUMNS, irve_statique_rows()),
            table_schema=STANDARDS / "schema-statique.json",
        ),
    ),
)

IRVE_DYNAMIQUE = Dataset(
    slug="irve-dynamique",
    title=_("Infrastructures de recharge pour véhicules électriques (IRVE) — disponibilité en temps réel"),
    description=_(
        "L'état de chaque point de recharge public, tel que les bornes le disent par OCPP : en service ou hors "
        "service, libre, occupé ou réservé, état de chaque prise, et l'heure de cet état. Un point dont la borne "
        "ne répond plus est « inconnu ». Publié au schéma national IRVE dynamique v2.3.0, régénéré chaque minute."
    ),
    themes=("TRAN", "ENER"),
    keywords=(*KEYWORDS, "temps réel", "disponibilité"),
    frequency="CONT",
    conforms_to=SCHEMA_IRVE_DYNAMIQUE,
    conforms_to_label="IRVE dynamique v2.3.0",
    spatial=spatial,
    temporal=temporal,
    last_modified=dynamique_last_modified,
    refresh_minutes=1,
    resources=(
        Resource(
            format="csv",
            filename="irve-dynamique.csv",
            title=_("État des points de recharge (CSV, schéma IRVE dynamique)"),
            header=IRVE_DYNAMIQUE_COLUMNS,
            rows=lambda: _as_tuples(IRVE_DYNAMIQUE_COLUMNS, irve_dynamique_rows()),
            table_schema=STANDARDS / "schema-dynamique.json",
        ),
    ),
)


def portal_charging_widget(request: Any) -> str:
    """The live charging map on the open-data portal's home ("" when no station is published)."""
    if not Station.objects.filter(is_published=True).exists():
        return ""
    context = {"labels": public_map_labels(), "refresh": max(settings.CHARGING_LIVE_REFRESH, 15)}
    return render_to_string("charging/partials/portal_widget.html", context, request=request)
