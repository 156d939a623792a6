"""DECP 2.0: the essential data of the framework agreements, valid against the official schema (2.0.3)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from jsonschema import Draft7Validator
from stdnum.fr import siret

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.members.testing import assert_role_matrix
from mutualis.purchasing import decp
from mutualis.purchasing.choices import AgreementStatus, Procedure
from mutualis.purchasing.services import agreements as services
from mutualis.purchasing.tests.factories import CatalogueItemFactory, FrameworkAgreementFactory, LotFactory

pytestmark = pytest.mark.django_db


def schema_errors(document):
    schema = json.loads(decp.SCHEMA_PATH.read_text(encoding="utf-8"))
    return [f"{list(error.path)}: {error.message}" for error in Draft7Validator(schema).iter_errors(document)]


def test_official_example_is_valid_against_the_copied_schema():
    """The schema copied into data/standards/decp accepts the official example (the copy is intact)."""
    example = json.loads((decp.SCHEMA_PATH.parent / "marches_avec_modifications.json").read_text(encoding="utf-8"))
    assert schema_errors(example) == []


def test_operator_siret_is_valid():
    """The buyer's identifier published in the DECP is a valid SIRET."""
    assert siret.is_valid(settings.OPERATOR_SIRET)


def test_decp_export_is_valid_with_amendments():
    """CCP R2196-1 and the arrêté du 22 décembre 2022: the essential data of each framework agreement in force or
    ended, and of its amendments, are published in the DECP format — zero schema errors."""
    item = CatalogueItemFactory(lot__agreement__reference="AC-2025-TAB", lot__max_amount_ht=Decimal("400000"))
    agreement = item.lot.agreement
    LotFactory(agreement=agreement, max_amount_ht=Decimal("100000"))
    services.amendment_create(
        agreement=agreement,
        acting_user=StaffFactory(),
        subject="Révision des prix et prolongation",
        signed_date=datetime.date(2026, 3, 2),
        effective_date=datetime.date(2026, 4, 1),
        prices={item: Decimal("280")},
        amount_change_ht=Decimal("50000"),
    )
    FrameworkAgreementFactory(reference="AC-2024-FIN", status=AgreementStatus.ENDED, procedure=Procedure.ADAPTED)
    ended = LotFactory(agreement__reference="AC-2023-MOB", agreement__status=AgreementStatus.ENDED).agreement
    ended.procedure = Procedure.NO_COMPETITION
    ended.save()
    LotFactory(agreement__reference="AC-DRAFT", agreement__status=AgreementStatus.DRAFT)
    long_ref = LotFactory(agreement__reference="ACCORD CADRE TRES LONG 2025").agreement

    document = decp.decp_document()

    assert schema_errors(document) == []
    records = {record["id"]: record for record in document["marches"]["marche"]}
    # Drafts and agreements without holders are not published.
    assert set(records) == {"AC-2025-TAB", "AC-2023-MOB", decp.decp_id(long_ref)}
    record = records["AC-2025-TAB"]
    assert record["acheteur"] == {"id": settings.OPERATOR_SIRET}
    assert record["techniques"] == {"technique": ["Accord-cadre"]}
    assert record["montant"] == 500000.0
    assert record["titulaires"][0]["titulaire"]["typeIdentifiant"] == "SIRET"
    assert record["modifications"] == [
        {
            "modification": {
                "id": 1,
                "dateNotificationModification": "2026-03-02",
                "datePublicationDonneesModification": "2026-03-02",
                "montant": 550000.0,
            }
        }
    ]
    assert records["AC-2023-MOB"]["procedure"] == "Marché passé sans publicité ni mise en concurrence préalable"


def test_decp_is_served_publicly_and_cacheable():
    """/opendata/decp.json is public open data, cacheable, and valid."""
    LotFactory()
    response = Client().get("/opendata/decp.json")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    document = json.loads(b"".join(response.streaming_content))
    assert schema_errors(document) == []
    assert len(document["marches"]["marche"]) == 1


def test_decp_route_matrix(world):
    """The DECP export is public open data: every role, anonymous included, gets it."""
    expected = dict.fromkeys(("anonymous", "other_member", "reader", "agent", "manager", "staff"), 200)
    assert_role_matrix(world, method="get", url="/opendata/decp.json", expected=expected)


def test_decp_publishes_the_recorded_number_of_offers():
    """`offresRecues` is the number of offers recorded at the award; when it was not recorded, the number of
    distinct holders (each made an offer) — still valid against the schema."""
    recorded = LotFactory(agreement__reference="AC-2025-OFF", agreement__offers_received=6).agreement
    LotFactory(agreement=recorded)
    unknown = LotFactory(agreement__reference="AC-2025-NON").agreement
    LotFactory(agreement=unknown)

    document = decp.decp_document()

    assert schema_errors(document) == []
    records = {record["id"]: record for record in document["marches"]["marche"]}
    assert records["AC-2025-OFF"]["offresRecues"] == 6
    assert records["AC-2025-NON"]["offresRecues"] == 2
