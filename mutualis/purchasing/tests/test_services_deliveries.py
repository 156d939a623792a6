"""Deliveries and service fait: quantities, serial numbers becoming assets, statuses."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mutualis.assets.choices import AssetKind
from mutualis.assets.models import Asset, AssetEvent
from mutualis.purchasing.choices import ItemCategory, OrderStatus
from mutualis.purchasing.models import CatalogueItem, DeliveredAsset, Delivery
from mutualis.purchasing.services.deliveries import (
    ASSET_KIND_BY_CATEGORY,
    asset_kind_for,
    delivery_record,
    service_certify,
)
from mutualis.purchasing.tests.builders import deliver_all, sent_order

D = datetime.date
pytestmark = pytest.mark.django_db


def _line(order, item_serialized=True):
    return order.lines.select_related("item").get(item__serialized=item_serialized)


def test_delivery_with_serials_creates_assets_in_stock(world):
    """Each delivered serial number becomes an asset of the member at the delivery site, warranty from delivery,
    with what the catalogue says it is (designation, reference, kind, price paid) and purchasing's link to the
    delivery line that brought it."""
    order = sent_order(world, tablets=3)
    line = _line(order)
    delivery = delivery_record(
        order=order,
        delivered_on=D(2026, 3, 10),
        lines=[{"order_line": line, "quantity": 3, "serial_numbers": "A1\nA2\nA3"}],
        acting_user=world.agent,
    )
    assets = Asset.objects.filter(purchase__delivery_line__order_line=line)
    assert assets.count() == 3
    asset = assets.get(serial_number="A2")
    assert (asset.member, asset.site, asset.status) == (world.member_a, world.site_a, "in_stock")
    assert asset.warranty_end == D(2028, 3, 10)
    assert (asset.kind, asset.designation, asset.reference, asset.purchase_price_ht) == (
        AssetKind.TABLET,
        line.item.label,
        line.item.reference,
        Decimal("300"),
    )
    assert DeliveredAsset.objects.get(asset=asset).delivery_line == delivery.lines.get()
    assert AssetEvent.objects.filter(asset=asset, kind="delivered").count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_partial_then_full_delivery(world):
    """A partial delivery leaves the order partially delivered; the rest makes it delivered."""
    order = sent_order(world, tablets=3, cables=10)
    tablet, cable = _line(order), _line(order, False)
    delivery_record(
        order=order,
        delivered_on=D(2026, 3, 10),
        lines=[{"order_line": tablet, "quantity": 1, "serial_numbers": ["S1"]}, {"order_line": cable, "quantity": 4}],
        acting_user=world.agent,
    )
    order.refresh_from_db()
    tablet.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_DELIVERED
    assert tablet.delivered_quantity == 1
    deliver_all(order, world.manager, on=D(2026, 3, 12))
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert Asset.objects.filter(purchase__delivery_line__delivery__order=order).count() == 3
    assert order.deliveries.count() == 2


@pytest.mark.parametrize(
    ("quantity", "serials", "message"),
    [
        (3, "A1\nA2", "exactement un numéro de série par unité"),
        (2, "A1\nA1", "en double"),
        (4, "A1\nA2\nA3\nA4", "il reste 3 à livrer"),
    ],
)
def test_bad_delivery_line_is_refused_in_french_and_writes_nothing(world, quantity, serials, message):
    """Wrong serial count, duplicate serial, or more than remaining: a French error on the line, nothing written."""
    order = sent_order(world, tablets=3)
    line = _line(order)
    with pytest.raises(ValidationError) as exc:
        delivery_record(
            order=order,
            delivered_on=D(2026, 3, 10),
            lines=[{"order_line": line, "quantity": quantity, "serial_numbers": serials}],
            acting_user=world.agent,
        )
    assert message in " ".join(exc.value.message_dict[f"line_{line.pk}"])
    assert Delivery.objects.count() == 0 and Asset.objects.count() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.SENT


def test_serial_already_in_fleet_is_refused(world):
    """A serial number is unique per model (the item's reference) across the whole fleet."""
    order = sent_order(world, tablets=2)
    line = _line(order)
    delivery_record(
        order=order,
        delivered_on=D(2026, 3, 10),
        lines=[{"order_line": line, "quantity": 1, "serial_numbers": ["X1"]}],
        acting_user=world.agent,
    )
    with pytest.raises(ValidationError) as exc:
        delivery_record(
            order=order,
            delivered_on=D(2026, 3, 11),
            lines=[{"order_line": line, "quantity": 1, "serial_numbers": ["X1"]}],
            acting_user=world.agent,
        )
    assert "déjà enregistré" in str(exc.value)
    assert Asset.objects.count() == 1


def test_delivery_refused_for_reader_and_unsent_order(world):
    """Readers may not record deliveries; only sent or partially delivered orders are delivered."""
    order = sent_order(world, tablets=1)
    line = _line(order)
    args = {"delivered_on": D(2026, 3, 10), "lines": [{"order_line": line, "quantity": 1, "serial_numbers": ["Z"]}]}
    with pytest.raises(PermissionDenied):
        delivery_record(order=order, acting_user=world.reader, **args)
    order.status = OrderStatus.VALIDATED
    order.save()
    with pytest.raises(ValidationError):
        delivery_record(order=order, acting_user=world.agent, **args)
    assert Delivery.objects.count() == 0


def test_service_fait_rules(world):
    """Service fait: on a delivered order, by the member's agents/managers, execution not in the future nor before
    the first delivery."""
    order = sent_order(world, tablets=1)
    with pytest.raises(ValidationError):
        service_certify(order=order, execution_date=D(2026, 3, 10), acting_user=world.agent)
    deliver_all(order, world.agent, on=D(2026, 3, 10))
    with pytest.raises(ValidationError) as exc:
        service_certify(order=order, execution_date=D(2026, 3, 9), acting_user=world.agent)
    assert "première livraison" in str(exc.value)
    with pytest.raises(ValidationError):
        service_certify(order=order, execution_date=D(2099, 1, 1), acting_user=world.agent)
    with pytest.raises(PermissionDenied):
        service_certify(order=order, execution_date=D(2026, 3, 12), acting_user=world.reader)
    with pytest.raises(PermissionDenied):
        service_certify(order=order, execution_date=D(2026, 3, 12), acting_user=world.staff)
    order = service_certify(order=order, execution_date=D(2026, 3, 12), acting_user=world.manager)
    assert order.status == OrderStatus.SERVICE_CERTIFIED
    assert (order.execution_date, order.service_certified_by) == (D(2026, 3, 12), world.manager)


@pytest.mark.parametrize(
    ("category", "label", "kind"),
    [
        (ItemCategory.TABLET, "Tablette 10 pouces 64 Go avec coque", AssetKind.TABLET),
        (ItemCategory.TABLET, "Ordinateur portable 14 pouces élève", AssetKind.LAPTOP),
        (ItemCategory.TABLET, "Ordinateur tout-en-un 24 pouces", AssetKind.DESKTOP),
        (ItemCategory.PROJECTOR, "Écran numérique interactif 75 pouces", AssetKind.INTERACTIVE_DISPLAY),
        (ItemCategory.VIDEO_PROTECTION, "Caméra dôme 4K extérieure", AssetKind.CAMERA),
        (ItemCategory.VIDEO_PROTECTION, "Enregistreur 16 voies 24 To", AssetKind.RECORDER),
        (ItemCategory.EV_CHARGER, "Borne double 2 × 22 kW, OCPP 1.6J", AssetKind.CHARGING_STATION),
        (ItemCategory.WEBTV, "Kit web TV (caméra, mélangeur, trépied)", AssetKind.VIDEO),
        (ItemCategory.ROBOT, "Robot éducatif programmable (lot de 6)", AssetKind.ROBOT),
        (ItemCategory.OTHER, "Câble HDMI", AssetKind.OTHER),
    ],
)
def test_asset_kind_comes_from_the_item_category(category, label, kind):
    """The delivered item's category gives the asset's kind; its designation tells laptops from tablets and
    recorders from cameras."""
    assert asset_kind_for(CatalogueItem(category=category, label=label)) == kind


def test_every_item_category_gives_an_asset_kind():
    """No catalogue category is left without its kind of asset."""
    assert set(ASSET_KIND_BY_CATEGORY) == set(ItemCategory.values)
