"""Deliveries of sent orders (partial, per line, with serial numbers) and the certification of service fait.

Each delivered serial number becomes an asset of the fleet, created by `assets.services` with a snapshot of what it
is; purchasing keeps the link (DeliveredAsset), so `assets` knows nothing of purchases.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.assets import selectors as asset_selectors
from mutualis.assets import services as asset_services
from mutualis.assets.choices import AssetKind
from mutualis.core.services import audit_record
from mutualis.purchasing.choices import ItemCategory, OrderStatus
from mutualis.purchasing.models import CatalogueItem, DeliveredAsset, Delivery, DeliveryLine, Order
from mutualis.purchasing.permissions import order_fulfilment_abilities
from mutualis.purchasing.services.invoices import invoice_refresh_due_date
from mutualis.purchasing.services.orders import order_fulfilment_transition

DELIVERABLE = {OrderStatus.SENT, OrderStatus.PARTIALLY_DELIVERED}

# The kind of asset a catalogue category delivers.
ASSET_KIND_BY_CATEGORY: dict[str, AssetKind] = {
    ItemCategory.TABLET: AssetKind.TABLET,
    ItemCategory.AUDIO: AssetKind.AUDIO,
    ItemCategory.ROBOT: AssetKind.ROBOT,
    ItemCategory.WEBTV: AssetKind.VIDEO,
    ItemCategory.PROJECTOR: AssetKind.INTERACTIVE_DISPLAY,
    ItemCategory.FURNITURE: AssetKind.FURNITURE,
    ItemCategory.VIDEO_PROTECTION: AssetKind.CAMERA,
    ItemCategory.TELECOM: AssetKind.TELEPHONY,
    ItemCategory.EV_CHARGER: AssetKind.CHARGING_STATION,
    ItemCategory.SERVICE: AssetKind.OTHER,
    ItemCategory.OTHER: AssetKind.OTHER,
}
# Where a category spans several kinds (laptops among the tablets, recorders among the cameras) and the catalogue
# has no finer field, a word of the item's designation decides; the first word found wins.
ASSET_KIND_BY_WORD: dict[str, tuple[tuple[str, AssetKind], ...]] = {
    ItemCategory.TABLET: (("portable", AssetKind.LAPTOP), ("ordinateur", AssetKind.DESKTOP)),
    ItemCategory.VIDEO_PROTECTION: (
        ("enregistreur", AssetKind.RECORDER),
        ("lecteur", AssetKind.ACCESS_READER),
        ("capteur", AssetKind.SENSOR),
    ),
    ItemCategory.TELECOM: (("routeur", AssetKind.NETWORK), ("commutateur", AssetKind.NETWORK)),
}


def asset_kind_for(item: CatalogueItem) -> AssetKind:
    """The kind of asset a delivered catalogue item becomes, from its category (refined by its designation)."""
    label = item.label.casefold()
    for word, kind in ASSET_KIND_BY_WORD.get(item.category, ()):
        if word in label:
            return kind
    return ASSET_KIND_BY_CATEGORY.get(item.category, AssetKind.OTHER)


def line_error_key(order_line: Any) -> str:
    """The key under which errors of one order line are reported (form field prefix, API field)."""
    return f"line_{order_line.pk}"


def clean_serials(raw: Any) -> list[str]:
    """Serial numbers from a list or a text with one per line, stripped, blanks dropped."""
    items = raw.splitlines() if isinstance(raw, str) else list(raw or [])
    return [str(s).strip() for s in items if str(s).strip()]


def _check_lines(order: Order, lines: list[dict[str, Any]]) -> list[tuple[Any, int, list[str]]]:
    """Check every line (quantity ≤ remaining, serial numbers) and return the ones to record; French errors per line."""
    errors: dict[str, list[str]] = {}
    accepted: list[tuple[Any, int, list[str]]] = []
    seen: dict[int, set[str]] = {}
    own_line_ids = set(order.lines.values_list("pk", flat=True))
    for entry in lines:
        line = entry["order_line"]
        key = line_error_key(line)
        quantity = int(entry.get("quantity") or 0)
        serials = clean_serials(entry.get("serial_numbers"))
        if line.pk not in own_line_ids:
            errors.setdefault(key, []).append(_("Cette ligne n'appartient pas à la commande."))
            continue
        if quantity == 0 and not serials:
            continue
        remaining = line.quantity - line.delivered_quantity
        if quantity < 0 or quantity > remaining:
            errors.setdefault(key, []).append(
                _("Quantité livrée impossible : il reste %(remaining)s à livrer sur cette ligne.")
                % {"remaining": remaining}
            )
        if line.item.serialized:
            if len(serials) != quantity:
                errors.setdefault(key, []).append(
                    _(
                        "Indiquez exactement un numéro de série par unité livrée : %(quantity)s attendu(s), %(count)s saisi(s)."
                    )
                    % {"quantity": quantity, "count": len(serials)}
                )
            duplicates = sorted({s for s in serials if serials.count(s) > 1})
            item_seen = seen.setdefault(line.item_id, set())
            duplicates += sorted(set(serials) & item_seen - set(duplicates))
            if duplicates:
                errors.setdefault(key, []).append(
                    _("Numéro(s) de série en double dans cette livraison : %(serials)s.")
                    % {"serials": ", ".join(duplicates)}
                )
            item_seen.update(serials)
            known = asset_selectors.serial_numbers_in_fleet(serial_numbers=serials, reference=line.item.reference)
            if known:
                errors.setdefault(key, []).append(
                    _("Numéro(s) de série déjà enregistré(s) dans le parc : %(serials)s.")
                    % {"serials": ", ".join(known)}
                )
        elif serials and len(serials) not in (0, quantity):
            errors.setdefault(key, []).append(
                _("Les numéros de série, s'ils sont indiqués, doivent être un par unité.")
            )
        accepted.append((line, quantity, serials))
    if errors:
        raise ValidationError(errors)
    if not any(quantity for _line, quantity, _serials in accepted):
        raise ValidationError(_("Indiquez au moins une quantité livrée."))
    return accepted


def _deliver_asset(*, order: Order, delivery_line: DeliveryLine, serial_number: str, acting_user: User) -> None:
    """One delivered serial number: an asset in stock at the order's site, with what the catalogue says it is
    (warranty from the delivery date), linked to the delivery line that brought it."""
    line = delivery_line.order_line
    asset = asset_services.asset_create(
        member=order.member,
        site=order.site,
        kind=asset_kind_for(line.item),
        designation=line.item.label,
        reference=line.item.reference,
        serial_number=serial_number,
        purchase_price_ht=line.unit_price_ht,
        delivered_on=delivery_line.delivery.delivered_on,
        warranty_months=line.item.warranty_months,
        acting_user=acting_user,
    )
    link = DeliveredAsset(delivery_line=delivery_line, asset=asset)
    link.full_clean()
    link.save()


@transaction.atomic
def delivery_record(
    *,
    order: Order,
    delivered_on: datetime.date,
    lines: list[dict[str, Any]],
    acting_user: User,
    reservations: str = "",
    delivery_note: str = "",
) -> Delivery:
    """Record a (partial) delivery of a sent order: quantities per line, one serial number per serialized unit (each
    becomes an asset in stock); the order becomes partially delivered or delivered."""
    order = Order.objects.select_for_update(of=("self",)).select_related("member", "site").get(pk=order.pk)
    if order.status not in DELIVERABLE:
        raise ValidationError(_("Seule une commande envoyée au fournisseur peut être livrée."))
    if not order_fulfilment_abilities(acting_user, order)["record_delivery"]:
        raise PermissionDenied(_("Vous ne pouvez pas enregistrer de livraison pour cette commande."))
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("La date de livraison ne peut pas être dans le futur.")})
    fresh = {line.pk: line for line in order.lines.select_for_update(of=("self",)).select_related("item")}
    for entry in lines:
        entry["order_line"] = fresh.get(entry["order_line"].pk, entry["order_line"])
    accepted = _check_lines(order, lines)
    delivery = Delivery(
        order=order,
        delivered_on=delivered_on,
        received_by=acting_user,
        reservations=reservations.strip(),
        delivery_note=delivery_note.strip(),
    )
    delivery.full_clean()
    delivery.save()
    assets = 0
    for line, quantity, serials in accepted:
        if not quantity:
            continue
        delivery_line = DeliveryLine.objects.create(
            delivery=delivery, order_line=line, quantity=quantity, serial_numbers=serials
        )
        line.delivered_quantity += quantity
        line.save(update_fields=["delivered_quantity", "updated_at"])
        if line.item.serialized:
            for serial in serials:
                _deliver_asset(order=order, delivery_line=delivery_line, serial_number=serial, acting_user=acting_user)
                assets += 1
    complete = all(line.delivered_quantity >= line.quantity for line in order.lines.all())
    to_status = OrderStatus.DELIVERED if complete else OrderStatus.PARTIALLY_DELIVERED
    order_fulfilment_transition(order=order, to_status=to_status, acting_user=acting_user)
    audit_record(
        actor=acting_user,
        action="delivery.record",
        obj=delivery,
        member_id=order.member_id,
        after={
            "order": order.number,
            "delivered_on": delivered_on.isoformat(),
            "lines": [{"order_line": line.pk, "quantity": q, "serials": s} for line, q, s in accepted if q],
            "assets": assets,
        },
        reason=reservations,
    )
    return delivery


@transaction.atomic
def service_certify(*, order: Order, execution_date: datetime.date, acting_user: User) -> Order:
    """Certify service fait on a delivered order (member agents and managers): the execution date starts the
    payment clock (CCP R2192-13); it is neither in the future nor before the first delivery."""
    order = Order.objects.select_for_update(of=("self",)).select_related("member").get(pk=order.pk)
    if order.status != OrderStatus.DELIVERED:
        raise ValidationError(_("Le service fait se certifie sur une commande entièrement livrée."))
    if not order_fulfilment_abilities(acting_user, order)["certify_service"]:
        raise PermissionDenied(_("Seuls les agents et gestionnaires de l'adhérent certifient le service fait."))
    if execution_date > timezone.localdate():
        raise ValidationError({"execution_date": _("La date d'exécution ne peut pas être dans le futur.")})
    first = order.deliveries.order_by("delivered_on").values_list("delivered_on", flat=True).first()
    if first and execution_date < first:
        raise ValidationError(
            {
                "execution_date": _("La date d'exécution ne peut pas précéder la première livraison (%(date)s).")
                % {"date": first.strftime("%d/%m/%Y")}
            }
        )
    order.execution_date = execution_date
    order.service_certified_at = timezone.now()
    order.service_certified_by = acting_user
    order.save(update_fields=["execution_date", "service_certified_at", "service_certified_by", "updated_at"])
    for invoice in order.invoices.all():  # the execution date may start their payment clock (R2192-13)
        invoice_refresh_due_date(invoice)
    order = order_fulfilment_transition(order=order, to_status=OrderStatus.SERVICE_CERTIFIED, acting_user=acting_user)
    audit_record(
        actor=acting_user,
        action="order.service_certify",
        obj=order,
        member_id=order.member_id,
        after={"execution_date": execution_date.isoformat()},
    )
    return order
