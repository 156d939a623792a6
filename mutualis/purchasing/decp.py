"""DECP 2.0 export: the essential data of every framework agreement in force or ended, with its amendments.

Format: data/standards/decp/schema_decp_v2.0.3.json (139bercy/format-commande-publique 2.0.3), published as
`{"marches": {"marche": [...]}}` at /opendata/decp.json. The schema's `nature` has no "Accord-cadre" value: an
accord-cadre is a "Marché" whose `techniques` include "Accord-cadre", executed by "Bons de commande".
"""

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from mutualis.purchasing.choices import AgreementStatus, Procedure
from mutualis.purchasing.models import Amendment, FrameworkAgreement, Lot, LotHolder

SCHEMA_PATH = Path(settings.BASE_DIR) / "data" / "standards" / "decp" / "schema_decp_v2.0.3.json"

# Our procedures → the schema's enumeration (note its singular « préalable »).
PROCEDURES = {
    Procedure.OPEN_TENDER: "Appel d'offres ouvert",
    Procedure.RESTRICTED_TENDER: "Appel d'offres restreint",
    Procedure.ADAPTED: "Procédure adaptée",
    Procedure.COMPETITIVE_DIALOGUE: "Dialogue compétitif",
    Procedure.NEGOTIATED: "Procédure avec négociation",
    Procedure.NO_COMPETITION: "Marché passé sans publicité ni mise en concurrence préalable",
}
# CPV divisions of digital equipment and services, under the CCAG for information and communication technologies.
TIC_CPV_DIVISIONS = {"30", "32", "48", "72", "64"}
DECP_ID_RE = re.compile(r"^[^&\"\\<\s,;]{1,16}$")


def decp_id(agreement: FrameworkAgreement) -> str:
    """The DECP identifier (1 to 16 characters): the reference when it fits, else a stable number from the key."""
    return agreement.reference if DECP_ID_RE.match(agreement.reference) else f"MUT{agreement.pk:013d}"[:16]


def _amount(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")))


def _titulaires(lots: list[Lot]) -> list[dict[str, Any]]:
    sirets: list[str] = []
    for lot in lots:
        for holder in lot.lot_holders.all():
            if holder.supplier.siret not in sirets:
                sirets.append(holder.supplier.siret)
    return [{"titulaire": {"typeIdentifiant": "SIRET", "id": siret}} for siret in sirets]


def _modifications(agreement: FrameworkAgreement, amount: Decimal) -> list[dict[str, Any]]:
    rows = []
    duration, total = agreement.duration_months, amount
    for amendment in agreement.amendments.all():
        change: dict[str, Any] = {
            "id": amendment.number,
            "dateNotificationModification": amendment.signed_date.isoformat(),
            "datePublicationDonneesModification": amendment.signed_date.isoformat(),
        }
        # New values only when the amendment changes them (the schema gives the new duration and amount).
        if amendment.duration_change_months:
            duration += amendment.duration_change_months
            change["dureeMois"] = max(duration, 1)
        if amendment.amount_change_ht:
            total += amendment.amount_change_ht
            change["montant"] = max(_amount(total), 1)
        rows.append({"modification": change})
    return rows


def agreement_record(agreement: FrameworkAgreement) -> dict[str, Any] | None:
    """One `marche` object, or None when the agreement has no lot holder yet (the schema needs a titulaire)."""
    lots = list(agreement.lots.all())
    titulaires = _titulaires(lots)
    amount = sum((lot.max_amount_ht for lot in lots), Decimal("0"))
    if not titulaires or amount < 1:
        return None
    tic = agreement.cpv_code[:2] in TIC_CPV_DIVISIONS
    record: dict[str, Any] = {
        "id": decp_id(agreement),
        "acheteur": {"id": settings.OPERATOR_SIRET},
        "nature": "Marché",
        "objet": agreement.subject[:1000],
        "codeCPV": agreement.cpv_code,
        "techniques": {"technique": ["Accord-cadre"]},
        "modalitesExecution": {"modaliteExecution": ["Bons de commande"]},
        "marcheInnovant": False,
        "ccag": "Techniques de l'information et de la communication" if tic else "Fournitures courantes et services",
        # When the number was not recorded, every holder made an offer: their count is a lower bound.
        "offresRecues": agreement.offers_received if agreement.offers_received is not None else len(titulaires),
        "attributionAvance": False,
        "typeGroupementOperateurs": "Pas de groupement",
        "procedure": PROCEDURES[agreement.procedure],
        "lieuExecution": {
            "code": settings.OPERATOR_EXECUTION_PLACE,
            "typeCode": settings.OPERATOR_EXECUTION_PLACE_TYPE,
        },
        "dureeMois": agreement.duration_months,
        "dateNotification": agreement.notification_date.isoformat(),
        "datePublicationDonnees": agreement.notification_date.isoformat(),
        "montant": _amount(amount),
        "typesPrix": {"typePrix": ["Définitif révisable"]},
        "formePrix": "Unitaire",
        "sousTraitanceDeclaree": False,
        "titulaires": titulaires,
        "considerationsSociales": {"considerationSociale": ["Pas de considération sociale"]},
        "considerationsEnvironnementales": {"considerationEnvironnementale": ["Pas de considération environnementale"]},
    }
    modifications = _modifications(agreement, amount)
    if modifications:
        record["modifications"] = modifications
    return record


def published_agreements() -> QuerySet[FrameworkAgreement]:
    """The agreements in force or ended (drafts are not published), with what their records need."""
    return (
        FrameworkAgreement.objects.filter(status__in=[AgreementStatus.ACTIVE, AgreementStatus.ENDED])
        .prefetch_related(
            Prefetch("lots", queryset=Lot.objects.order_by("number")),
            Prefetch("lots__lot_holders", queryset=LotHolder.objects.select_related("supplier").order_by("rank")),
            Prefetch("amendments", queryset=Amendment.objects.order_by("number")),
        )
        .order_by("notification_date", "reference")
    )


def decp_records() -> Iterator[dict[str, Any]]:
    """The `marche` objects of the published agreements, one by one (in chunks of 200 agreements)."""
    agreements = published_agreements()
    for agreement in agreements.iterator(chunk_size=200):
        if (record := agreement_record(agreement)) is not None:
            yield record


def decp_document() -> dict[str, Any]:
    """The DECP 2.0 document of every agreement in force or ended (drafts are not published)."""
    return {"marches": {"marche": list(decp_records())}}
