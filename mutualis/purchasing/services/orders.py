"""Writes on orders: the basket (drafts and their lines), the order's references, and its one status workflow.

`order_transition` (a person's step) and `order_fulfilment_transition` (the step a recorded fact implies) are the
only ways an order changes status; both check the step against the workflow table (`choices.ORDER_WORKFLOW`). Validation
takes the lot's row lock before checking its maximum (CCP R2162-4), so two concurrent validations of the same lot
run one after the other and cannot both pass.
"""

import uuid
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User, Viewer
from mutualis.core.money import CENT, euros
from mutualis.core.services import audit_record, notify, snapshot
from mutualis.members.choices import MemberRole
from mutualis.members.models import Member, Membership, Site
from mutualis.members.selectors import member_role
from mutualis.purchasing import rules
from mutualis.purchasing.choices import (
    FULFILMENT_STATUSES,
    ORDER_TRANSITIONS,
    ORDERING_ROLES,
    REASON_REQUIRED,
    OrderRole,
    OrderStatus,
    order_next_statuses,
)
from mutualis.purchasing.models import CatalogueItem, LotAlert, LotHolder, Order, OrderLine, OrderTransition, Supplier
from mutualis.purchasing.models.agreements import Lot
from mutualis.purchasing.permissions import order_allowed_transitions
from mutualis.purchasing.pricing import item_price_on
from mutualis.purchasing.selectors.catalogue import agreement_end_date, item_orderable_by
from mutualis.purchasing.selectors.orders import needs_approval, purchasing_settings, staff_q

ORDER_FIELDS = ["supplier_id", "site_id", "internal_reference", "ej_number", "service_code", "note"]


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _require_ordering_role(user: Viewer, member: Member) -> None:
    if member_role(user=user, member=member) not in ORDERING_ROLES:
        raise PermissionDenied(_("Seuls les agents et gestionnaires de l'adhérent passent ses commandes."))


def _require_draft(order: Order) -> None:
    if order.status != OrderStatus.DRAFT:
        raise ValidationError(_("Seule une commande en brouillon peut être modifiée."))


def _lock_order(order: Order) -> Order:
    # Re-read under a row lock: the status may have changed since the caller loaded it.
    return (
        Order.objects.select_for_update(of=("self",)).select_related("member", "lot", "lot__agreement").get(pk=order.pk)
    )


def order_recompute_totals(order: Order) -> Order:
    """Recompute the order's totals HT / TVA / TTC and at list prices from its lines (each line rounded to the cent)."""
    total_ht = total_vat = list_total = Decimal("0")
    for line in order.lines.all():
        amount = (line.unit_price_ht * line.quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        total_ht += amount
        total_vat += (amount * line.vat_rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        list_price = line.list_price_ht if line.list_price_ht is not None else line.unit_price_ht
        list_total += (list_price * line.quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    order.total_ht, order.total_vat, order.total_ttc = total_ht, total_vat, total_ht + total_vat
    order.list_total_ht = list_total
    order.save(update_fields=["total_ht", "total_vat", "total_ttc", "list_total_ht", "updated_at"])
    return order


@transaction.atomic
def order_create(
    *,
    member: Member,
    lot: Lot,
    acting_user: User,
    supplier: Supplier | None = None,
    site: Site | None = None,
) -> Order:
    """Open a draft order of the member under the lot, to its first-ranked holder unless another holder is chosen."""
    _require_ordering_role(acting_user, member)
    holders = LotHolder.objects.filter(lot=lot).order_by("rank", "pk")
    if supplier is None:
        holder = holders.first()
        if holder is None:
            raise ValidationError(_("Ce lot n'a pas encore de titulaire."))
        supplier = holder.supplier
    elif not holders.filter(supplier=supplier).exists():
        raise ValidationError({"supplier": _("Ce fournisseur n'est pas titulaire du lot.")})
    if site is not None and (site.member_id != member.pk or not site.is_active):
        raise ValidationError({"site": _("Choisissez un site en service de l'adhérent.")})
    settings = purchasing_settings(member)
    order = Order(
        number=f"TMP-{uuid.uuid4().hex[:24]}",
        member=member,
        lot=lot,
        supplier=supplier,
        site=site,
        created_by=acting_user,
        service_code=settings.default_service_code if settings else "",
    )
    order.full_clean()
    order.save()
    # The primary key is unique and increasing: numbering from it needs no lock and never collides.
    order.number = f"BC-{timezone.localdate().year}-{order.pk:06d}"
    order.save(update_fields=["number"])
    OrderTransition.objects.create(order=order, from_status="", to_status=OrderStatus.DRAFT, acting_user=acting_user)
    audit_record(
        actor=acting_user,
        action="order.create",
        obj=order,
        member_id=member.pk,
        after=snapshot(order, ["number", "lot_id", "supplier_id", "site_id"]),
    )
    return order


@transaction.atomic
def order_line_add(*, order: Order, item: CatalogueItem, quantity: int, acting_user: User) -> OrderLine:
    """Add an item to a draft order, copying today's unit price, VAT rate and list price onto the line."""
    order = _lock_order(order)
    _require_ordering_role(acting_user, order.member)
    _require_draft(order)
    if item.lot_id != order.lot_id:
        raise ValidationError({"item": _("Cet article n'appartient pas au lot de la commande.")})
    if not item_orderable_by(item=item, member=order.member):
        raise ValidationError({"item": _("Cet article ne peut pas être commandé par cet adhérent aujourd'hui.")})
    if quantity is None or int(quantity) < 1:
        raise ValidationError({"quantity": _("La quantité doit être d'au moins 1.")})
    price = item_price_on(item, timezone.localdate())
    if price is None:
        raise ValidationError({"item": _("Cet article n'a pas encore de prix en vigueur.")})
    # The same item at the same price adds up on one line; a new price (amendment) opens another line.
    line = order.lines.filter(item=item, unit_price_ht=price).first()
    if line is None:
        line = OrderLine(
            order=order,
            item=item,
            quantity=int(quantity),
            unit_price_ht=price,
            vat_rate=item.vat_rate,
            list_price_ht=item.list_price_ht,
        )
    else:
        line.quantity += int(quantity)
    line.full_clean()
    line.save()
    order_recompute_totals(order)
    audit_record(
        actor=acting_user,
        action="order.line_add",
        obj=order,
        member_id=order.member_id,
        after={"item": item.reference, "quantity": line.quantity, "unit_price_ht": str(price)},
    )
    return line


@transaction.atomic
def order_line_update(*, line: OrderLine, quantity: int, acting_user: User) -> OrderLine:
    """Change the quantity of a line of a draft order (its prices stay those copied when it was added)."""
    order = _lock_order(line.order)
    _require_ordering_role(acting_user, order.member)
    _require_draft(order)
    if quantity is None or int(quantity) < 1:
        raise ValidationError({"quantity": _("La quantité doit être d'au moins 1.")})
    before = line.quantity
    line.quantity = int(quantity)
    line.full_clean()
    line.save(update_fields=["quantity", "updated_at"])
    order_recompute_totals(order)
    audit_record(
        actor=acting_user,
        action="order.line_update",
        obj=order,
        member_id=order.member_id,
        before={"item": line.item.reference, "quantity": before},
        after={"item": line.item.reference, "quantity": line.quantity},
    )
    return line


@transaction.atomic
def order_line_remove(*, line: OrderLine, acting_user: User) -> Order:
    """Remove a line from a draft order."""
    order = _lock_order(line.order)
    _require_ordering_role(acting_user, order.member)
    _require_draft(order)
    removed = {"item": line.item.reference, "quantity": line.quantity}
    line.delete()
    order_recompute_totals(order)
    audit_record(
        actor=acting_user,
        action="order.line_remove",
        obj=order,
        member_id=order.member_id,
        before=removed,
    )
    return order


def _check_references(order: Order) -> None:
    """The member's accounting rules: EJ number and Chorus Pro service code when required; a site in service."""
    errors: dict[str, str] = {}
    settings = purchasing_settings(order.member)
    if settings and settings.requires_ej and not order.ej_number.strip():
        errors["ej_number"] = _("Votre collectivité exige un numéro d'engagement juridique (EJ).")
    if settings and settings.requires_service_code and not order.service_code.strip():
        errors["service_code"] = _("Votre collectivité exige un code service Chorus Pro.")
    if order.site_id is not None:
        site = Site.objects.filter(pk=order.site_id).first()
        if site is None or site.member_id != order.member_id or not site.is_active:
            errors["site"] = _("Choisissez un site de livraison en service de l'adhérent.")
    if errors:
        raise ValidationError(errors)


def _check_holder_choice(order: Order) -> None:
    """A lot with several holders orders from its first-ranked holder (the agreement's cascade); another holder
    may be chosen only with the reason written in the order's comment (`note`)."""
    ranks = dict(LotHolder.objects.filter(lot_id=order.lot_id).values_list("supplier_id", "rank"))
    if order.supplier_id not in ranks:
        raise ValidationError({"supplier": _("Ce fournisseur n'est pas titulaire du lot.")})
    if ranks[order.supplier_id] > min(ranks.values()) and not order.note.strip():
        raise ValidationError(
            {
                "note": _(
                    "Le titulaire classé premier n'est pas retenu : indiquez pourquoi dans le commentaire "
                    "(indisponibilité, délai, rupture…), comme le prévoit la cascade de l'accord-cadre."
                )
            }
        )


_UNCHANGED: Any = object()


@transaction.atomic
def order_update(
    *,
    order: Order,
    acting_user: User,
    supplier: Any = _UNCHANGED,
    site: Any = _UNCHANGED,
    internal_reference: Any = _UNCHANGED,
    ej_number: Any = _UNCHANGED,
    service_code: Any = _UNCHANGED,
    note: Any = _UNCHANGED,
) -> Order:
    """Set a draft order's holder (among the lot's holders), delivery site and references (EJ and Chorus service
    code when the member requires them)."""
    order = _lock_order(order)
    _require_ordering_role(acting_user, order.member)
    _require_draft(order)
    before = snapshot(order, ORDER_FIELDS)
    if supplier is not _UNCHANGED:
        order.supplier = supplier
    if site is not _UNCHANGED:
        order.site = site
    for name, value in (
        ("internal_reference", internal_reference),
        ("ej_number", ej_number),
        ("service_code", service_code),
        ("note", note),
    ):
        if value is not _UNCHANGED:
            setattr(order, name, (value or "").strip())
    _check_holder_choice(order)
    _check_references(order)
    order.full_clean()
    order.save()
    audit_record(
        actor=acting_user,
        action="order.update",
        obj=order,
        member_id=order.member_id,
        before=before,
        after=snapshot(order, ORDER_FIELDS),
    )
    return order


@transaction.atomic
def basket_add(
    *,
    member: Member,
    item: CatalogueItem,
    quantity: int,
    acting_user: User,
    supplier: Supplier | None = None,
) -> OrderLine:
    """Put an item in the user's basket: their draft order of that member and lot (opened if needed)."""
    _require_ordering_role(acting_user, member)
    drafts = Order.objects.filter(member=member, lot_id=item.lot_id, status=OrderStatus.DRAFT, created_by=acting_user)
    if supplier is not None:
        drafts = drafts.filter(supplier=supplier)
    order = drafts.order_by("pk").first()
    if order is None:
        if not item_orderable_by(item=item, member=member):
            raise ValidationError({"item": _("Cet article ne peut pas être commandé par cet adhérent aujourd'hui.")})
        order = order_create(member=member, lot=item.lot, supplier=supplier, acting_user=acting_user)
    return order_line_add(order=order, item=item, quantity=quantity, acting_user=acting_user)


def _purchasing_staff() -> list[Any]:
    return list(get_user_model().objects.filter(staff_q()))


def _raise_alert(lot: Lot, kind: str, message: str) -> None:
    """Record a lot alert once (unique per lot and kind) and warn the purchasing staff the first time."""
    _alert, created = LotAlert.objects.get_or_create(lot=lot, kind=kind, defaults={"message": message})
    if created:
        notify(
            recipients=_purchasing_staff(),
            kind="purchasing.lot_alert",
            title=message,
            url=_url("purchasing:lot_detail", lot.pk),
        )


def _lot_alerts(lot: Lot, before: Decimal, after: Decimal) -> None:
    for share in rules.consumption_alerts_crossed(max_amount_ht=lot.max_amount_ht, before_ht=before, after_ht=after):
        kind = LotAlert.Kind.MAX_80 if share == Decimal("0.80") else LotAlert.Kind.MAX_95
        message = _("%(lot)s : %(share)s %% du maximum consommé (%(consumed)s sur %(maximum)s HT).") % {
            "lot": lot,
            "share": int(share * 100),
            "consumed": euros(after),
            "maximum": euros(lot.max_amount_ht),
        }
        _raise_alert(lot, kind, message)
    agreement = lot.agreement
    if rules.minimum_out_of_reach(
        min_amount_ht=lot.min_amount_ht,
        consumed_ht=after,
        start=agreement.start_date,
        end=agreement_end_date(agreement),
        today=timezone.localdate(),
    ):
        message = _(
            "%(lot)s : au rythme actuel, le minimum de %(minimum)s HT ne sera pas atteint avant l'échéance."
        ) % {
            "lot": lot,
            "minimum": euros(lot.min_amount_ht or Decimal("0")),
        }
        _raise_alert(lot, LotAlert.Kind.MIN_UNREACHABLE, message)


def _consume(order: Order) -> None:
    """Charge the order to its lot under the lot's row lock, refusing it beyond the maximum (CCP R2162-4)."""
    lot = Lot.objects.select_for_update(of=("self",)).select_related("agreement").get(pk=order.lot_id)
    before = lot.consumed_amount_ht
    rules.assert_within_framework_maximum(
        max_amount_ht=lot.max_amount_ht, consumed_ht=before, additional_ht=order.total_ht
    )
    Lot.objects.filter(pk=lot.pk).update(consumed_amount_ht=F("consumed_amount_ht") + order.total_ht)
    _lot_alerts(lot, before, before + order.total_ht)


def _release(order: Order) -> None:
    """Give a cancelled validated order's amount back to its lot."""
    Lot.objects.select_for_update().get(pk=order.lot_id)
    Lot.objects.filter(pk=order.lot_id).update(consumed_amount_ht=F("consumed_amount_ht") - order.total_ht)


def _check_submission(order: Order) -> None:
    errors: dict[str, Any] = {}
    if not order.lines.exists():
        errors["lines"] = _("Ajoutez au moins un article avant de soumettre la commande.")
    if order.site_id is None:
        errors["site"] = _("Choisissez le site de livraison avant de soumettre la commande.")
    for check in (_check_holder_choice, _check_references):
        try:
            check(order)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def _notify_after(order: Order, to_status: str, acting_user: User, reason: str) -> None:
    url = _url("purchasing:order_detail", order.pk)
    if to_status == OrderStatus.SUBMITTED and needs_approval(order):
        managers = [
            m.user
            for m in Membership.objects.filter(member=order.member, role=MemberRole.MANAGER, user__is_active=True)
            .select_related("user")
            .exclude(user=acting_user)
        ]
        notify(
            recipients=managers,
            kind="purchasing.order_approval",
            title=_("Commande %(number)s à approuver (%(amount)s HT)")
            % {"number": order.number, "amount": euros(order.total_ht)},
            url=url,
        )
        return
    author = order.created_by
    if to_status == OrderStatus.SUBMITTED or author is None or author == acting_user:
        return
    notify(
        recipients=[author],
        kind="purchasing.order_decision",
        title=_("Commande %(number)s : %(status)s") % {"number": order.number, "status": OrderStatus(to_status).label},
        body=reason,
        url=url,
    )


@transaction.atomic
def order_transition(*, order: Order, to_status: str, acting_user: User, reason: str = "") -> Order:
    """Move an order to `to_status` if the workflow and the user's role allow it; record who, when and why."""
    if to_status in FULFILMENT_STATUSES:
        raise ValidationError(
            {
                "to_status": _(
                    "Ce statut s'obtient en enregistrant la livraison, le service fait, la facture ou le paiement."
                )
            }
        )
    return _transition(
        order=order,
        to_status=to_status,
        acting_user=acting_user,
        reason=reason,
        allowed=lambda order: order_allowed_transitions(user=acting_user, order=order),
    )


@transaction.atomic
def order_fulfilment_transition(*, order: Order, to_status: str, acting_user: User) -> Order:
    """For the deliveries and invoices services only, which have checked who may record the fact: move the order to
    the fulfilment status that fact implies."""
    if to_status not in FULFILMENT_STATUSES:
        raise ValueError(f"{to_status} is not a fulfilment status")
    return _transition(
        order=order,
        to_status=to_status,
        acting_user=acting_user,
        allowed=lambda order: order_next_statuses(order.status, {OrderRole.FULFILMENT}, above_threshold=False),
    )


def _transition(
    *,
    order: Order,
    to_status: str,
    acting_user: User,
    allowed: Callable[[Order], set[str]],
    reason: str = "",
) -> Order:
    """Take one step of the workflow table: `allowed(order)` gives the steps open to whoever takes it (read on the
    order locked and re-read, so a concurrent change cannot open a step that is closed)."""
    order = _lock_order(order)
    from_status = order.status
    reason = (reason or "").strip()
    if to_status not in ORDER_TRANSITIONS.get(from_status, set()):
        raise ValidationError(
            {
                "to_status": _("Une commande « %(from)s » ne peut pas passer au statut demandé.")
                % {"from": OrderStatus(from_status).label}
            }
        )
    if to_status not in allowed(order):
        raise PermissionDenied(_("Vous ne pouvez pas effectuer ce changement de statut."))
    if to_status in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Indiquez le motif.")})
    now = timezone.now()
    if to_status == OrderStatus.SUBMITTED:
        _check_submission(order)
        order.submitted_at = now
    elif to_status == OrderStatus.VALIDATED:
        _consume(order)
        order.validated_at = now
    elif to_status == OrderStatus.SENT:
        order.sent_at = now
    elif to_status == OrderStatus.CANCELLED and from_status == OrderStatus.VALIDATED:
        _release(order)
    order.status = to_status
    order.save()
    OrderTransition.objects.create(
        order=order, from_status=from_status, to_status=to_status, acting_user=acting_user, reason=reason
    )
    audit_record(
        actor=acting_user,
        action="order.transition",
        obj=order,
        member_id=order.member_id,
        before={"status": from_status},
        after={"status": to_status, "total_ht": str(order.total_ht)},
        reason=reason,
    )
    _notify_after(order, to_status, acting_user, reason)
    return order
