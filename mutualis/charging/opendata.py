"""IRVE open data: the static description of every published charge point (schéma IRVE statique v2.3.0) and its
live state (schéma IRVE dynamique v2.3.0), as CSV files streamed at /opendata/irve-statique.csv and
/opendata/irve-dynamique.csv.

The row producers are plain generators with their header lists (`IRVE_STATIQUE_COLUMNS` / `irve_statique_rows()`,
`IRVE_DYNAMIQUE_COLUMNS` / `irve_dynamique_rows()`) so that an open data catalogue can publish them as they are.
The official schemas are copied in `standards/` (Etalab, github.com/etalab/schema-irve v2.3.0, Licence Ouverte 2.0);
the tests validate both files against them with frictionless.
"""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.cache import cache_control

from mutualis.charging.models import ChargePoint
from mutualis.charging.selectors.public import irve_dynamic_row, public_station_list
from mutualis.charging.selectors.registry import point_state

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


class _Echo:
    """A file-like object whose write returns what it was given (csv.writer into a streaming response)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: list[str], rows: Iterable[dict[str, str]]) -> Iterator[str]:
    """The CSV text (comma-separated, UTF-8, as the IRVE schemas ask) of the header and rows, line by line."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([row.get(name, "") for name in columns])


def _stream(name: str, columns: list[str], rows: Iterable[dict[str, str]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@cache_control(public=True, max_age=3600)
def irve_statique_view(request: HttpRequest) -> StreamingHttpResponse:
    """/opendata/irve-statique.csv: every published charge point (IRVE statique v2.3.0, Licence Ouverte)."""
    return _stream("irve-statique.csv", IRVE_STATIQUE_COLUMNS, irve_statique_rows())


@cache_control(public=True, max_age=60)
def irve_dynamique_view(request: HttpRequest) -> StreamingHttpResponse:
    """/opendata/irve-dynamique.csv: the live state of every published charge point (IRVE dynamique v2.3.0)."""
    return _stream("irve-dynamique.csv", IRVE_DYNAMIQUE_COLUMNS, irve_dynamique_rows())
