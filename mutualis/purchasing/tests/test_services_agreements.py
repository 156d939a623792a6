"""Rules of the centrale d'achat's back-office services: suppliers, agreements, lots, items, amendments."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mutualis.accounts.tests.factories import StaffFactory, UserFactory
from mutualis.purchasing import pricing
from mutualis.purchasing.choices import AgreementStatus, ItemCategory
from mutualis.purchasing.models import Amendment, CatalogueItem, FrameworkAgreement, ItemPrice, Lot, Supplier
from mutualis.purchasing.services import agreements as services
from mutualis.purchasing.tests.factories import (
    VALID_IBAN,
    CatalogueItemFactory,
    FrameworkAgreementFactory,
    LotFactory,
    SupplierFactory,
    agreement_kwargs,
    make_supplier_siret,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return StaffFactory(email="acheteur@operateur.example.fr", staff_role="purchasing_officer")


def test_framework_agreement_longer_than_four_years_is_refused(officer):
    """CCP L2125-1: a framework agreement lasts at most 4 years; 49 months is refused in French, nothing written."""
    with pytest.raises(ValidationError) as caught:
        services.agreement_create(acting_user=officer, **agreement_kwargs(duration_months=49))
    assert "L2125-1" in " ".join(caught.value.message_dict["duration_months"])
    assert "4 ans" in " ".join(caught.value.message_dict["duration_months"])
    assert FrameworkAgreement.objects.count() == 0


def test_four_year_agreement_is_accepted_as_draft(officer):
    """CCP L2125-1: exactly 48 months is allowed; a new agreement starts in preparation."""
    agreement = services.agreement_create(acting_user=officer, **agreement_kwargs())
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.duration_months == 48


def test_amendment_extension_beyond_four_years_is_refused(officer):
    """CCP L2125-1: extensions by amendment count too; 48 + 1 months is refused and nothing written."""
    agreement = FrameworkAgreementFactory(duration_months=48)
    with pytest.raises(ValidationError) as caught:
        services.amendment_create(
            agreement=agreement,
            acting_user=officer,
            subject="Prolongation",
            signed_date=datetime.date(2026, 1, 1),
            effective_date=datetime.date(2026, 1, 1),
            duration_change_months=1,
        )
    assert "L2125-1" in str(caught.value)
    assert Amendment.objects.count() == 0


def test_agreement_reference_is_unique_and_cpv_checked(officer):
    """A reference names one agreement only; a CPV code has 8 digits, a hyphen and a check digit."""
    FrameworkAgreementFactory(reference="AC-2026-001")
    with pytest.raises(ValidationError) as caught:
        services.agreement_create(acting_user=officer, **agreement_kwargs(cpv_code="3021320"))
    assert set(caught.value.message_dict) >= {"reference", "cpv_code"}
    assert FrameworkAgreement.objects.count() == 1


def test_agreement_allowed_member_kinds_are_checked(officer):
    """An agreement may be restricted to known kinds of members only."""
    with pytest.raises(ValidationError) as caught:
        services.agreement_create(acting_user=officer, **agreement_kwargs(allowed_member_kinds=["martian"]))
    assert "allowed_member_kinds" in caught.value.message_dict
    agreement = services.agreement_create(
        acting_user=officer, **agreement_kwargs(allowed_member_kinds=["commune", "public_establishment"])
    )
    assert agreement.allowed_member_kinds == ["commune", "public_establishment"]


def test_only_purchasing_officers_and_administrators_manage_agreements():
    """Purchasing officers and administrators write; other staff and members' users are refused."""
    for user in (StaffFactory(staff_role="education_officer"), UserFactory()):
        with pytest.raises(PermissionDenied):
            services.agreement_create(acting_user=user, **agreement_kwargs())
    assert FrameworkAgreement.objects.count() == 0
    services.agreement_create(acting_user=StaffFactory(), **agreement_kwargs())
    assert FrameworkAgreement.objects.count() == 1


def test_supplier_siret_and_iban_are_validated(officer):
    """A supplier has a valid SIRET (Luhn) and, if given, a valid IBAN; bad ones are refused in French."""
    with pytest.raises(ValidationError) as caught:
        services.supplier_create(acting_user=officer, name="Acme", siret="12345678901234", iban="FR7600000000000")
    assert set(caught.value.message_dict) >= {"siret", "iban"}
    assert Supplier.objects.count() == 0
    supplier = services.supplier_create(
        acting_user=officer,
        name="Acme",
        siret=make_supplier_siret(7)[:3] + " " + make_supplier_siret(7)[3:],
        iban="fr76 3000 6000 0112 3456 7890 189",
        contacts=[{"name": "Jeanne Martin", "role": "Commerciale", "email": "jeanne@acme.example.fr"}],
    )
    assert supplier.siret == make_supplier_siret(7)
    assert supplier.iban == VALID_IBAN
    assert supplier.contacts.get().name == "Jeanne Martin"


def test_lot_minimum_above_maximum_is_refused(officer):
    """CCP R2162-4: a lot has a maximum above zero, and its minimum (if any) does not exceed it."""
    agreement = FrameworkAgreementFactory(status=AgreementStatus.DRAFT)
    holder = SupplierFactory()
    with pytest.raises(ValidationError) as caught:
        services.lot_create(
            agreement=agreement,
            acting_user=officer,
            number=1,
            title="Tablettes",
            max_amount_ht=Decimal("1000"),
            min_amount_ht=Decimal("2000"),
            holders=[holder],
        )
    assert "min_amount_ht" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.lot_create(
            agreement=agreement, acting_user=officer, number=1, title="Tablettes", max_amount_ht=Decimal("0")
        )
    assert {"max_amount_ht", "holders"} <= set(caught.value.message_dict)
    assert Lot.objects.count() == 0
    lot = services.lot_create(
        agreement=agreement,
        acting_user=officer,
        number=1,
        title="Tablettes",
        max_amount_ht=Decimal("1000"),
        min_amount_ht=Decimal("100"),
        holders=[holder, SupplierFactory()],
    )
    assert [h.rank for h in lot.lot_holders.all()] == [1, 2]


def test_agreement_activation_needs_lots_with_holders(officer):
    """An agreement goes in force only with at least one lot, each with a holder."""
    agreement = FrameworkAgreementFactory(status=AgreementStatus.DRAFT)
    with pytest.raises(ValidationError):
        services.agreement_activate(agreement=agreement, acting_user=officer)
    LotFactory(agreement=agreement)
    assert services.agreement_activate(agreement=agreement, acting_user=officer).status == AgreementStatus.ACTIVE
    with pytest.raises(ValidationError):
        services.agreement_end(agreement=agreement, acting_user=officer, reason="")
    agreement = services.agreement_end(agreement=agreement, acting_user=officer, reason="Terme atteint")
    assert agreement.status == AgreementStatus.ENDED


def test_item_award_price_is_effective_from_the_agreement_start(officer):
    """An item's award price applies from the agreement's start date."""
    lot = LotFactory(agreement__start_date=datetime.date(2025, 3, 1))
    item = services.item_create(
        lot=lot,
        acting_user=officer,
        reference="TAB-10",
        label="Tablette 10 pouces",
        category=ItemCategory.TABLET,
        unit_price_ht=Decimal("289.90"),
        list_price_ht=Decimal("399"),
    )
    assert pricing.item_price_on(item, datetime.date(2025, 2, 28)) is None
    assert pricing.item_price_on(item, datetime.date(2025, 3, 1)) == Decimal("289.90")


def test_active_agreement_price_changes_need_an_amendment(officer):
    """Once in force, an item's price changes only by amendment; a direct change is refused."""
    item = CatalogueItemFactory(price=Decimal("300"))
    with pytest.raises(ValidationError) as caught:
        services.item_update(item=item, acting_user=officer, unit_price_ht=Decimal("250"))
    assert "unit_price_ht" in caught.value.message_dict
    assert pricing.item_price_on(item, datetime.date(2026, 1, 1)) == Decimal("300")


def test_amendment_prices_apply_from_the_effective_date(officer):
    """An amendment's prices apply from its effective date; before it, the award price still holds (orders placed
    earlier keep their prices)."""
    item = CatalogueItemFactory(price=Decimal("300"))
    other = CatalogueItemFactory(lot=item.lot, price=Decimal("50"))
    amendment = services.amendment_create(
        agreement=item.lot.agreement,
        acting_user=officer,
        subject="Révision des prix",
        signed_date=datetime.date(2026, 5, 20),
        effective_date=datetime.date(2026, 6, 1),
        prices={item: Decimal("280.50")},
    )
    assert amendment.number == 1
    assert pricing.item_price_on(item, datetime.date(2026, 5, 31)) == Decimal("300")
    assert pricing.item_price_on(item, datetime.date(2026, 6, 1)) == Decimal("280.50")
    assert pricing.item_price_on(other, datetime.date(2026, 6, 1)) == Decimal("50")
    assert ItemPrice.objects.get(item=item, effective_from=datetime.date(2026, 6, 1)).amendment == amendment


def test_amendment_price_for_another_agreements_item_is_refused(officer):
    """An amendment only changes the prices of its own agreement's items; nothing is written otherwise."""
    agreement = FrameworkAgreementFactory()
    stranger = CatalogueItemFactory()
    with pytest.raises(ValidationError) as caught:
        services.amendment_create(
            agreement=agreement,
            acting_user=officer,
            subject="Révision",
            signed_date=datetime.date(2026, 1, 1),
            effective_date=datetime.date(2026, 2, 1),
            prices={stranger: Decimal("1")},
        )
    assert "prices" in caught.value.message_dict
    assert Amendment.objects.count() == 0
    assert ItemPrice.objects.filter(item=stranger).count() == 1


def test_lot_maximum_cannot_drop_below_consumption(officer):
    """CCP R2162-4: the maximum may not be lowered below what orders already consumed."""
    lot = LotFactory(consumed_amount_ht=Decimal("9000"))
    with pytest.raises(ValidationError) as caught:
        services.lot_update(lot=lot, acting_user=officer, max_amount_ht=Decimal("8000"), min_amount_ht=None)
    assert "max_amount_ht" in caught.value.message_dict
    lot.refresh_from_db()
    assert lot.max_amount_ht == Decimal("500000.00")


def test_catalogue_item_reference_unique_per_lot(officer):
    """A reference appears once per lot."""
    item = CatalogueItemFactory(reference="TAB-1")
    with pytest.raises(ValidationError):
        services.item_create(
            lot=item.lot,
            acting_user=officer,
            reference="TAB-1",
            label="Doublon",
            category=ItemCategory.TABLET,
            unit_price_ht=Decimal("1"),
        )
    assert CatalogueItem.objects.count() == 1


def test_item_edit_after_an_amendment_keeps_the_amended_price(officer):
    """Editing an item's description after an amendment resends today's price: accepted, no price change."""
    item = CatalogueItemFactory(price=Decimal("300"))
    services.amendment_create(
        agreement=item.lot.agreement,
        acting_user=officer,
        subject="Baisse",
        signed_date=datetime.date(2025, 6, 1),
        effective_date=datetime.date(2025, 7, 1),
        prices={item: Decimal("280")},
    )
    services.item_update(item=item, acting_user=officer, label="Tablette v2", unit_price_ht=Decimal("280"))
    item.refresh_from_db()
    assert item.label == "Tablette v2"
    assert item.prices.count() == 2
    assert pricing.item_price_on(item, datetime.date(2025, 6, 30)) == Decimal("300")
