"""Back-office pages of suppliers, agreements, lots, items, amendments and BPU import: who sees and does what."""

import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.purchasing import pricing
from mutualis.purchasing.choices import AgreementStatus
from mutualis.purchasing.models import Amendment, CatalogueItem, FrameworkAgreement, ItemPrice, Lot, Supplier
from mutualis.purchasing.tests.factories import (
    CatalogueItemFactory,
    FrameworkAgreementFactory,
    LotFactory,
    SupplierFactory,
    make_supplier_siret,
)

pytestmark = pytest.mark.django_db

# Back-office pages: members' users get 404; staff read.
READ_ONLY_STAFF = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 200}
MEMBERS_404 = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404}


def client_for(user):
    return login_as(Client(), user)


@pytest.fixture
def item():
    return CatalogueItemFactory(price=Decimal("300"))


@pytest.mark.parametrize(
    "url_name, arg",
    [
        ("purchasing:backoffice_supplier_list", None),
        ("purchasing:backoffice_supplier_create", None),
        ("purchasing:backoffice_supplier_detail", "supplier"),
        ("purchasing:backoffice_supplier_update", "supplier"),
        ("purchasing:backoffice_supplier_contact_create", "supplier"),
        ("purchasing:backoffice_agreement_list", None),
        ("purchasing:backoffice_agreement_create", None),
        ("purchasing:backoffice_agreement_detail", "agreement"),
        ("purchasing:backoffice_agreement_update", "agreement"),
        ("purchasing:backoffice_agreement_end", "agreement"),
        ("purchasing:backoffice_lot_create", "agreement"),
        ("purchasing:backoffice_amendment_create", "agreement"),
        ("purchasing:backoffice_lot_update", "lot"),
        ("purchasing:backoffice_item_create", "lot"),
        ("purchasing:backoffice_bpu_import", "lot"),
        ("purchasing:backoffice_item_update", "item"),
    ],
)
def test_backoffice_pages_are_for_operator_staff_only(world, item, url_name, arg):
    """Every agreements back-office page answers 404 to members' users and opens for administrators."""
    objects = {"item": item, "lot": item.lot, "agreement": item.lot.agreement, "supplier": SupplierFactory()}
    url = reverse(url_name, args=[objects[arg].pk] if arg else [])
    assert_role_matrix(world, method="get", url=url, expected=READ_ONLY_STAFF)


def test_activate_page_matrix(world):
    """Only staff reach the activation of a draft agreement."""
    agreement = FrameworkAgreementFactory(status=AgreementStatus.DRAFT)
    url = reverse("purchasing:backoffice_agreement_activate", args=[agreement.pk])
    assert_role_matrix(world, method="get", url=url, expected=READ_ONLY_STAFF)


def test_supplier_create_matrix(world):
    """Administrators record suppliers; members' users cannot and nothing is written."""
    data = {"name": "Tablettes & Cie", "siret": make_supplier_siret(501), "iban": "", "bic": ""}
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:backoffice_supplier_create"),
        data=data,
        expected=MEMBERS_404 | {"staff": 302},
        state=lambda: rows(Supplier.objects.all()),
    )
    assert Supplier.objects.get().name == "Tablettes & Cie"


def test_other_staff_read_but_do_not_write(world):
    """An education officer reads the back-office but may not create an agreement (403, nothing written)."""
    officer = StaffFactory(staff_role="education_officer")
    client = client_for(officer)
    assert client.get(reverse("purchasing:backoffice_agreement_list")).status_code == 200
    response = client.post(reverse("purchasing:backoffice_agreement_create"), {"reference": "X"})
    assert response.status_code == 403
    assert FrameworkAgreement.objects.count() == 0


def agreement_post(**overrides):
    return {
        "reference": "AC-2026-010",
        "subject": "Robots éducatifs",
        "cpv_code": "30200000-1",
        "procedure": "open_tender",
        "notification_date": "2026-01-05",
        "start_date": "2026-02-01",
        "duration_months": "36",
        "allowed_member_kinds": ["public_establishment"],
    } | overrides


def test_agreement_create_by_purchasing_officer_matrix(world):
    """A purchasing officer records an agreement; members' users get 404 and nothing is written."""
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:backoffice_agreement_create"),
        data=agreement_post(),
        expected=MEMBERS_404 | {"staff": 302},
        state=lambda: rows(FrameworkAgreement.objects.all()),
    )
    officer = StaffFactory(staff_role="purchasing_officer")
    response = client_for(officer).post(
        reverse("purchasing:backoffice_agreement_create"), agreement_post(reference="AC-2026-011")
    )
    assert response.status_code == 302
    assert FrameworkAgreement.objects.get(reference="AC-2026-011").allowed_member_kinds == ["public_establishment"]


def test_agreement_over_four_years_is_refused_on_the_form(world):
    """CCP L2125-1: the form answers 400 with the French message and records nothing."""
    response = client_for(world.staff).post(
        reverse("purchasing:backoffice_agreement_create"), agreement_post(duration_months="60")
    )
    assert response.status_code == 400
    assert "L2125-1" in response.content.decode()
    assert FrameworkAgreement.objects.count() == 0


def test_lot_create_and_update_matrix(world):
    """Staff add and edit lots (minimum above maximum refused with 400); members' users get 404."""
    agreement = FrameworkAgreementFactory(status=AgreementStatus.DRAFT)
    supplier = SupplierFactory()
    data = {"number": "1", "title": "Tablettes", "max_amount_ht": "100000", "holders": [supplier.pk]}
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:backoffice_lot_create", args=[agreement.pk]),
        data=data,
        expected=MEMBERS_404 | {"staff": 302},
        state=lambda: rows(Lot.objects.all()),
    )
    lot = Lot.objects.get()
    bad = data | {"min_amount_ht": "200000"}
    response = client_for(world.staff).post(reverse("purchasing:backoffice_lot_update", args=[lot.pk]), bad)
    assert response.status_code == 400
    assert "minimum" in response.content.decode()
    lot.refresh_from_db()
    assert lot.min_amount_ht is None


def test_activate_and_end_agreement(world):
    """Staff put a draft agreement with lots in force, then end it with a reason (members' users: 404)."""
    agreement = LotFactory(agreement__status=AgreementStatus.DRAFT).agreement
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:backoffice_agreement_activate", args=[agreement.pk]),
        expected=MEMBERS_404 | {"staff": 302},
        state=lambda: rows(FrameworkAgreement.objects.all()),
    )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    client = client_for(world.staff)
    url = reverse("purchasing:backoffice_agreement_end", args=[agreement.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Terme atteint"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED


def test_item_create_matrix(world):
    """Staff add an item with its award price; a negative price is refused with 400."""
    lot = LotFactory()
    data = {
        "reference": "TAB-20",
        "label": "Tablette 12 pouces",
        "category": "tablet",
        "unit": "unité",
        "unit_price_ht": "420",
        "vat_rate": "20",
        "warranty_months": "24",
        "serialized": "on",
        "is_active": "on",
    }
    client = client_for(world.staff)
    response = client.post(reverse("purchasing:backoffice_item_create", args=[lot.pk]), data | {"unit_price_ht": "-1"})
    assert response.status_code == 400
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:backoffice_item_create", args=[lot.pk]),
        data=data,
        expected=MEMBERS_404 | {"staff": 302},
        state=lambda: rows(CatalogueItem.objects.all()),
    )
    item = CatalogueItem.objects.get()
    assert pricing.item_price_on(item, lot.agreement.start_date) == Decimal("420")


def test_amendment_form_changes_prices_from_the_effective_date(world, item):
    """An amendment recorded on the page prices the item anew from its effective date only."""
    data = {
        "subject": "Révision annuelle",
        "signed_date": "2026-05-02",
        "effective_date": "2026-06-01",
        "duration_change_months": "0",
        "amount_change_ht": "0",
        f"price_{item.pk}": "275",
    }
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:backoffice_amendment_create", args=[item.lot.agreement_id]),
        data=data,
        expected=MEMBERS_404 | {"staff": 302},
        state=lambda: rows(Amendment.objects.all()),
    )
    assert pricing.item_price_on(item, datetime.date(2026, 5, 31)) == Decimal("300")
    assert pricing.item_price_on(item, datetime.date(2026, 6, 1)) == Decimal("275")


def test_agreement_list_filters_and_detail(world, item):
    """The list filters by status, CPV and keyword; the detail shows lots, consumption and current prices."""
    FrameworkAgreementFactory(reference="AC-VIDEO", subject="Vidéoprotection", cpv_code="35125300-2")
    client = client_for(world.staff)
    page = client.get(reverse("purchasing:backoffice_agreement_list"), {"cpv": "351"}).content.decode()
    assert "AC-VIDEO" in page and item.lot.agreement.reference not in page
    page = client.get(reverse("purchasing:backoffice_agreement_list"), {"q": "tablettes"}).content.decode()
    assert item.lot.agreement.reference in page and "AC-VIDEO" not in page
    page = client.get(reverse("purchasing:backoffice_agreement_list"), {"status": "draft"}).content.decode()
    assert "Aucun accord-cadre" in page
    detail = client.get(reverse("purchasing:backoffice_agreement_detail", args=[item.lot.agreement_id]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert item.reference in text and "300,00" in text and "<progress" in text


def bpu_csv(text):
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "bpu.csv"
    return upload


def test_bpu_import_preview_then_confirm(world):
    """The BPU import shows a preview that writes nothing, then imports every line on confirmation."""
    lot = LotFactory()
    client = client_for(world.staff)
    url = reverse("purchasing:backoffice_bpu_import", args=[lot.pk])
    text = "référence;désignation;catégorie;prix unitaire HT;prix public HT\nA-1;Tablette;tablet;299,90;399\n"
    response = client.post(url, {"file": bpu_csv(text)})
    assert response.status_code == 200
    assert CatalogueItem.objects.count() == 0
    token = response.context["token"]
    confirm = reverse("purchasing:backoffice_bpu_confirm", args=[lot.pk])
    # Another user cannot confirm someone else's upload: the token lives in the uploader's session.
    other = client_for(StaffFactory(email="autre@operateur.example.fr"))
    assert other.post(confirm, {"token": token}).status_code == 302
    assert CatalogueItem.objects.count() == 0
    assert client.post(confirm, {"token": token}).status_code == 302
    item = CatalogueItem.objects.get()
    assert pricing.item_price_on(item, lot.agreement.start_date) == Decimal("299.90")
    # The stored upload is gone once imported.
    assert client.post(confirm, {"token": token}).status_code == 302
    assert ItemPrice.objects.count() == 1


def test_bpu_import_with_errors_answers_400_and_imports_nothing(world):
    """A file with a bad line shows the report with 400 and offers no confirmation."""
    lot = LotFactory()
    text = "référence;désignation;catégorie;prix unitaire HT\nA-1;Tablette;tablet;abc\n"
    response = client_for(world.staff).post(
        reverse("purchasing:backoffice_bpu_import", args=[lot.pk]), {"file": bpu_csv(text)}
    )
    assert response.status_code == 400
    assert "Nombre invalide" in response.content.decode()
    assert "token" not in response.context or not response.context.get("token")
    assert CatalogueItem.objects.count() == 0


def test_bpu_import_matrix(world):
    """Members' users cannot post a BPU (404) and nothing is written."""
    lot = LotFactory()
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:backoffice_bpu_confirm", args=[lot.pk]),
        data={"token": "x"},
        expected=MEMBERS_404 | {"staff": 302},
        state=lambda: rows(CatalogueItem.objects.all()),
    )


def test_supplier_update_and_contact_matrix(world):
    """Staff edit a supplier and add contacts; members' users get 404 and nothing changes."""
    supplier = SupplierFactory()
    data = {"name": "Nouveau nom", "siret": supplier.siret, "iban": "", "bic": ""}
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:backoffice_supplier_update", args=[supplier.pk]),
        data=data,
        expected=MEMBERS_404 | {"staff": 302},
        state=lambda: rows(Supplier.objects.all()),
    )
    supplier.refresh_from_db()
    assert supplier.name == "Nouveau nom"
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:backoffice_supplier_contact_create", args=[supplier.pk]),
        data={"name": "Paul Durand"},
        expected=MEMBERS_404 | {"staff": 302},
        state=lambda: rows(supplier.contacts.all()),
    )
    assert supplier.contacts.get().name == "Paul Durand"


def test_agreement_and_item_update_matrix(world, item):
    """Staff edit an agreement and an item's description; members' users get 404 and nothing changes."""
    agreement = item.lot.agreement
    data = agreement_post(
        reference=agreement.reference,
        start_date=agreement.start_date.isoformat(),
        notification_date=agreement.notification_date.isoformat(),
        subject="Tablettes et coques",
    )
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:backoffice_agreement_update", args=[agreement.pk]),
        data=data,
        expected=MEMBERS_404 | {"staff": 302},
        state=lambda: rows(FrameworkAgreement.objects.all()),
    )
    agreement.refresh_from_db()
    assert agreement.subject == "Tablettes et coques"
    item_data = {
        "reference": item.reference,
        "label": "Tablette renforcée",
        "category": "tablet",
        "unit": "unité",
        "unit_price_ht": "300",
        "vat_rate": "20",
        "warranty_months": "36",
        "is_active": "on",
    }
    assert_role_matrix(
        world,
        method="post",
        url=reverse("purchasing:backoffice_item_update", args=[item.pk]),
        data=item_data,
        expected=MEMBERS_404 | {"staff": 302},
        state=lambda: rows(CatalogueItem.objects.all()),
    )
    item.refresh_from_db()
    assert (item.label, item.warranty_months) == ("Tablette renforcée", 36)
    # In force, a price change on the item page is refused: it takes an amendment.
    response = client_for(world.staff).post(
        reverse("purchasing:backoffice_item_update", args=[item.pk]), item_data | {"unit_price_ht": "250"}
    )
    assert response.status_code == 400
    assert "avenant" in response.content.decode()
