"""Agreements API: suppliers for staff; agreements, lots and catalogue for staff and entitled members' users."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.purchasing.choices import AgreementStatus
from mutualis.purchasing.models import CatalogueItem, FrameworkAgreement, Lot, Supplier
from mutualis.purchasing.tests.factories import (
    CatalogueItemFactory,
    FrameworkAgreementFactory,
    LotFactory,
    SupplierFactory,
    make_supplier_siret,
)

pytestmark = pytest.mark.django_db

MEMBERS_403 = {"other_member": 403, "reader": 403, "agent": 403, "manager": 403}
# Member A holds the central purchasing competence; member B (other_member) does not.
READ_ENTITLED = {"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200}


def api(user):
    return login_as(Client(), user)


def post_json(client, url, data, method="post"):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def item():
    return CatalogueItemFactory(price=Decimal("300"))


def test_suppliers_are_for_staff(world):
    """Only operator staff list suppliers."""
    SupplierFactory()
    assert_role_matrix(world, method="get", url="/api/v1/suppliers/", api=True, expected=MEMBERS_403 | {"staff": 200})


def test_supplier_create_matrix_and_field_errors(world):
    """Administrators create suppliers; members' users get 403; a bad SIRET answers 400 by field."""
    data = {"name": "Robots SA", "siret": make_supplier_siret(811), "contacts": [{"name": "Léa Petit"}]}
    assert_role_matrix(
        world,
        method="post",
        url="/api/v1/suppliers/",
        api=True,
        data=data,
        expected=MEMBERS_403 | {"staff": 201},
        state=lambda: rows(Supplier.objects.all()),
    )
    assert Supplier.objects.get().contacts.get().name == "Léa Petit"
    response = post_json(api(world.staff), "/api/v1/suppliers/", {"name": "X", "siret": "123", "iban": "FR00"})
    assert response.status_code == 400
    assert {"siret", "iban"} <= set(response.json())
    assert Supplier.objects.count() == 1


def test_agreement_read_matrix(world, item):
    """Users of a member holding the central purchasing competence read the agreements open to it; others 404."""
    url = f"/api/v1/framework-agreements/{item.lot.agreement_id}/"
    assert_role_matrix(world, method="get", url=url, api=True, expected=READ_ENTITLED)
    for path in (f"/api/v1/lots/{item.lot_id}/", f"/api/v1/catalogue-items/{item.pk}/"):
        assert_role_matrix(world, method="get", url=path, api=True, expected=READ_ENTITLED)


def test_agreement_restricted_to_other_kinds_is_hidden(world):
    """An agreement restricted to public establishments is invisible to a commune's users (404), and drafts too."""
    restricted = LotFactory(agreement__allowed_member_kinds=["public_establishment"]).agreement
    draft = LotFactory(agreement__status=AgreementStatus.DRAFT).agreement
    open_to_communes = LotFactory(agreement__allowed_member_kinds=["commune"]).agreement
    client = api(world.agent)
    assert client.get(f"/api/v1/framework-agreements/{restricted.pk}/").status_code == 404
    assert client.get(f"/api/v1/framework-agreements/{draft.pk}/").status_code == 404
    ids = [row["id"] for row in client.get("/api/v1/framework-agreements/").json()["results"]]
    assert ids == [open_to_communes.pk]
    assert api(world.other_member).get("/api/v1/framework-agreements/").json()["results"] == []
    assert len(api(world.staff).get("/api/v1/framework-agreements/").json()["results"]) == 3


def agreement_payload(**overrides):
    return {
        "reference": "AC-API-1",
        "subject": "Bornes de recharge",
        "cpv_code": "31158100-9",
        "procedure": "open_tender",
        "notification_date": "2026-01-10",
        "start_date": "2026-02-01",
        "duration_months": 48,
        "allowed_member_kinds": ["commune"],
    } | overrides


def test_agreement_create_matrix(world):
    """Purchasing staff create agreements; members' users get 403 and nothing is written."""
    assert_role_matrix(
        world,
        method="post",
        url="/api/v1/framework-agreements/",
        api=True,
        data=agreement_payload(),
        expected=MEMBERS_403 | {"staff": 201},
        state=lambda: rows(FrameworkAgreement.objects.all()),
    )
    officer = StaffFactory(staff_role="purchasing_officer")
    response = post_json(api(officer), "/api/v1/framework-agreements/", agreement_payload(reference="AC-API-2"))
    assert response.status_code == 201
    supervisor = StaffFactory(staff_role="supervision_operator")
    response = post_json(api(supervisor), "/api/v1/framework-agreements/", agreement_payload(reference="AC-API-3"))
    assert response.status_code == 403
    assert FrameworkAgreement.objects.count() == 2


def test_agreement_over_four_years_answers_400(world):
    """CCP L2125-1: the API refuses 49 months with a French field error and writes nothing."""
    response = post_json(api(world.staff), "/api/v1/framework-agreements/", agreement_payload(duration_months=49))
    assert response.status_code == 400
    assert "L2125-1" in response.json()["duration_months"][0]
    assert FrameworkAgreement.objects.count() == 0


def test_agreement_update_matrix(world, item):
    """Members' users who may read an agreement still cannot change it (403); staff can."""
    agreement = item.lot.agreement
    assert_role_matrix(
        world,
        method="patch",
        url=f"/api/v1/framework-agreements/{agreement.pk}/",
        api=True,
        data={"subject": "Tablettes et accessoires"},
        expected={"other_member": 404, "reader": 403, "agent": 403, "manager": 403, "staff": 200},
        state=lambda: rows(FrameworkAgreement.objects.all()),
    )
    agreement.refresh_from_db()
    assert agreement.subject == "Tablettes et accessoires"


def test_agreement_activate_and_end_actions(world):
    """Staff activate a draft and end it with a reason; a missing reason is a 400."""
    agreement = LotFactory(agreement__status=AgreementStatus.DRAFT).agreement
    client = api(world.staff)
    assert client.post(f"/api/v1/framework-agreements/{agreement.pk}/activate/").json()["status"] == "active"
    assert post_json(client, f"/api/v1/framework-agreements/{agreement.pk}/end/", {}).status_code == 400
    response = post_json(client, f"/api/v1/framework-agreements/{agreement.pk}/end/", {"reason": "Terme"})
    assert response.json()["status"] == "ended"


def test_lot_create_matrix_and_errors(world):
    """Staff add lots with holders; a minimum above the maximum answers 400 (CCP R2162-4)."""
    agreement = FrameworkAgreementFactory()
    supplier = SupplierFactory()
    data = {"agreement": agreement.pk, "number": 1, "title": "Lot 1", "max_amount_ht": "1000", "holders": [supplier.pk]}
    assert_role_matrix(
        world,
        method="post",
        url="/api/v1/lots/",
        api=True,
        data=data,
        expected=MEMBERS_403 | {"staff": 201},
        state=lambda: rows(Lot.objects.all()),
    )
    response = post_json(api(world.staff), "/api/v1/lots/", data | {"number": 2, "min_amount_ht": "2000"})
    assert response.status_code == 400
    assert "min_amount_ht" in response.json()
    lot = Lot.objects.get()
    detail = api(world.agent).get(f"/api/v1/lots/{lot.pk}/").json()
    assert detail["holder_details"][0]["siret"] == supplier.siret


def test_catalogue_item_create_matrix(world):
    """Staff add items with their award price; without a price it is a 400."""
    lot = LotFactory()
    data = {
        "lot": lot.pk,
        "reference": "EV-22",
        "label": "Borne 22 kW",
        "category": "ev_charger",
        "unit_price_ht": "2400",
    }
    assert_role_matrix(
        world,
        method="post",
        url="/api/v1/catalogue-items/",
        api=True,
        data=data,
        expected=MEMBERS_403 | {"staff": 201},
        state=lambda: rows(CatalogueItem.objects.all()),
    )
    response = post_json(
        api(world.staff), "/api/v1/catalogue-items/", data | {"reference": "EV-7", "unit_price_ht": None}
    )
    assert response.status_code == 400
    assert CatalogueItem.objects.count() == 1


def test_catalogue_filters_and_current_price(world, item):
    """The catalogue filters by agreement, lot, category, price range and keyword, with the price in force."""
    CatalogueItemFactory(lot=item.lot, reference="MIC-1", label="Micro", category="audio", price=Decimal("40"))
    CatalogueItemFactory(label="Tablette d'un autre accord", price=Decimal("500"))
    client = api(world.agent)

    def refs(**params):
        return sorted(row["reference"] for row in client.get("/api/v1/catalogue-items/", params).json()["results"])

    assert refs(lot=item.lot_id) == sorted([item.reference, "MIC-1"])
    assert refs(agreement=item.lot.agreement_id, category="audio") == ["MIC-1"]
    assert refs(min_price="100", max_price="350") == [item.reference]
    assert refs(q="micro") == ["MIC-1"]
    row = client.get(f"/api/v1/catalogue-items/{item.pk}/").json()
    assert Decimal(row["current_price_ht"]) == Decimal("300")
