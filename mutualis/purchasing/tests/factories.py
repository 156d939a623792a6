"""Factories of the purchasing app, shared by every purchasing test module (append new factories at the end).

Suppliers carry valid fictitious SIRETs (Luhn keys computed with stdnum); agreements start on 1 January 2025 for
48 months; a LotFactory lot has one holder; a CatalogueItemFactory item has its award price (ItemPrice) from the
agreement's start date.
"""

import datetime
import itertools
from decimal import Decimal

import factory
from stdnum import luhn

from mutualis.members.tests.factories import MemberFactory
from mutualis.purchasing.choices import AgreementStatus, ItemCategory, Procedure
from mutualis.purchasing.models import (
    CatalogueItem,
    FrameworkAgreement,
    ItemPrice,
    Lot,
    LotHolder,
    MemberPurchasingSettings,
    Supplier,
    SupplierContact,
)

# A valid French IBAN (the example of the Banque de France documentation's format).
VALID_IBAN = "FR7630006000011234567890189"


def make_supplier_siret(n: int) -> str:
    """A valid fictitious SIRET: SIREN 88xxxxxxK, establishment 00011 (Luhn keys computed)."""
    siren_base = f"88{n:06d}"
    siren = siren_base + luhn.calc_check_digit(siren_base)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


class SupplierFactory(factory.django.DjangoModelFactory):
    """A supplier with a valid SIRET and IBAN."""

    class Meta:
        model = Supplier

    name = factory.Sequence(lambda n: f"Fournisseur d'essai n° {n}")
    siret = factory.Sequence(make_supplier_siret)
    address = "10 rue de la Paix, 75002 Paris"
    email = factory.Sequence(lambda n: f"commandes{n}@fournisseur.example.fr")
    phone = "01 23 45 67 89"
    iban = VALID_IBAN
    bic = "BDFEFRPP"


class SupplierContactFactory(factory.django.DjangoModelFactory):
    """A contact person at a supplier."""

    class Meta:
        model = SupplierContact

    supplier = factory.SubFactory(SupplierFactory)
    name = factory.Sequence(lambda n: f"Contact n° {n}")
    role = "Responsable grands comptes"
    email = factory.Sequence(lambda n: f"contact{n}@fournisseur.example.fr")


class FrameworkAgreementFactory(factory.django.DjangoModelFactory):
    """An active agreement (open tender) from 1 January 2025 for 48 months, open to every kind of member."""

    class Meta:
        model = FrameworkAgreement

    reference = factory.Sequence(lambda n: f"AC-2025-{n:03d}")
    subject = factory.Sequence(lambda n: f"Fourniture de tablettes numériques n° {n}")
    cpv_code = "30213200-7"
    procedure = Procedure.OPEN_TENDER
    notification_date = datetime.date(2024, 12, 15)
    start_date = datetime.date(2025, 1, 1)
    duration_months = 48
    status = AgreementStatus.ACTIVE
    allowed_member_kinds = factory.LazyFunction(list)


class LotFactory(factory.django.DjangoModelFactory):
    """A lot (maximum 500 000 € HT, minimum 10 000 € HT) with one holder (pass `holder=` to choose it)."""

    class Meta:
        model = Lot
        skip_postgeneration_save = True

    agreement = factory.SubFactory(FrameworkAgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Lot d'essai n° {n}")
    max_amount_ht = Decimal("500000.00")
    min_amount_ht = Decimal("10000.00")

    @factory.post_generation
    def holder(self, create: bool, extracted: Supplier | None, **kwargs: object) -> None:
        if create:
            LotHolder.objects.create(lot=self, supplier=extracted or SupplierFactory(), rank=1)


class CatalogueItemFactory(factory.django.DjangoModelFactory):
    """A tablet of a lot at 300 € HT (list price 400 € HT) from the agreement's start date (pass `price=`)."""

    class Meta:
        model = CatalogueItem
        skip_postgeneration_save = True

    lot = factory.SubFactory(LotFactory)
    reference = factory.Sequence(lambda n: f"REF-{n:05d}")
    label = factory.Sequence(lambda n: f"Tablette 10 pouces modèle {n}")
    description = "Tablette 10 pouces, 64 Go, Wi-Fi, coque renforcée."
    category = ItemCategory.TABLET
    unit = "unité"
    vat_rate = Decimal("20.00")
    list_price_ht = Decimal("400.0000")

    @factory.post_generation
    def price(self, create: bool, extracted: Decimal | None, **kwargs: object) -> None:
        if create:
            ItemPrice.objects.create(
                item=self,
                unit_price_ht=extracted if extracted is not None else Decimal("300.0000"),
                effective_from=self.lot.agreement.start_date,
            )


class MemberPurchasingSettingsFactory(factory.django.DjangoModelFactory):
    """A member's purchasing rules: approval above 5 000 € HT, no EJ or service code required."""

    class Meta:
        model = MemberPurchasingSettings
        django_get_or_create = ("member",)

    member = factory.SubFactory(MemberFactory)
    approval_threshold_ht = Decimal("5000.00")
    requires_ej = False
    requires_service_code = False


# Orders area.


def order_for(*, member, user, item=None, lot=None, site=None, quantity: int = 1, submit: bool = False):
    """A draft order of `member` by `user` (agent or manager) with one line of `item` (a new item of `lot` if not
    given), delivered to `site`; submitted through the services when `submit`."""
    from mutualis.purchasing.services import orders as order_services

    if item is None:
        item = CatalogueItemFactory(lot=lot) if lot is not None else CatalogueItemFactory()
    order = order_services.order_create(member=member, lot=item.lot, site=site, acting_user=user)
    order_services.order_line_add(order=order, item=item, quantity=quantity, acting_user=user)
    if submit:
        order = order_services.order_transition(order=order, to_status="submitted", acting_user=user)
    return order


# Dashboards area.

_dashboard_order_numbers = itertools.count(1)


def order_with_lines(*, member, lines, status="validated", validated_at=None, site=None):
    """An order of `member` straight in the database (no services) in `status`, validated at `validated_at`, with
    `lines` as (item, quantity, unit_price_ht, list_price_ht) tuples and its totals computed from them: figures
    for the dashboards."""
    from mutualis.purchasing.models import Order, OrderLine

    lot = lines[0][0].lot
    total = sum((Decimal(unit) * quantity for _, quantity, unit, _ in lines), Decimal("0"))
    listed = sum((Decimal(listed or unit) * quantity for _, quantity, unit, listed in lines), Decimal("0"))
    order = Order.objects.create(
        number=f"BC-DASH-{next(_dashboard_order_numbers):06d}",
        member=member,
        lot=lot,
        supplier=lot.lot_holders.first().supplier,
        status=status,
        site=site,
        validated_at=validated_at,
        total_ht=total,
        total_vat=(total * Decimal("0.2")).quantize(Decimal("0.01")),
        total_ttc=(total * Decimal("1.2")).quantize(Decimal("0.01")),
        list_total_ht=listed,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            item=item,
            quantity=quantity,
            unit_price_ht=unit,
            vat_rate=item.vat_rate,
            list_price_ht=listed,
        )
        for item, quantity, unit, listed in lines
    )
    return order


def agreement_kwargs(**overrides):
    """The arguments of a valid `agreement_create` call (a 4-year tablets agreement), with `overrides` applied."""
    return {
        "reference": "AC-2026-001",
        "subject": "Fourniture de tablettes pour les collèges",
        "cpv_code": "30213200-7",
        "procedure": Procedure.OPEN_TENDER,
        "notification_date": datetime.date(2026, 1, 5),
        "start_date": datetime.date(2026, 2, 1),
        "duration_months": 48,
    } | overrides
