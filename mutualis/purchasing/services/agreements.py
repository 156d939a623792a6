"""Writes of the centrale d'achat's back-office: suppliers, framework agreements, lots, catalogue, amendments.

Every service is keyword-only, takes the `acting_user` (a purchasing officer or an administrator; None only for
system scripts such as the demo data), validates everything before writing (French messages, by field), runs in a
transaction and leaves an audit entry. Prices live in ItemPrice rows: the award price from the agreement's start,
then each amendment's from its effective date, so that orders placed earlier keep the price they copied.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban

from mutualis.accounts.types import User
from mutualis.core.money import euros
from mutualis.core.services import audit_record, snapshot, update_audited
from mutualis.core.validation import Errors
from mutualis.members.choices import MemberKind
from mutualis.members.validators import compact_number
from mutualis.purchasing import pricing, rules
from mutualis.purchasing.choices import AgreementStatus
from mutualis.purchasing.models import (
    Amendment,
    CatalogueItem,
    FrameworkAgreement,
    ItemPrice,
    Lot,
    LotHolder,
    Supplier,
    SupplierContact,
)
from mutualis.purchasing.permissions import can_manage_purchasing

SUPPLIER_FIELDS = ("name", "siret", "address", "email", "phone", "iban", "bic")
AGREEMENT_FIELDS = (
    "reference",
    "subject",
    "cpv_code",
    "procedure",
    "notification_date",
    "start_date",
    "duration_months",
    "allowed_member_kinds",
    "description",
    "offers_received",
)
LOT_FIELDS = ("number", "title", "max_amount_ht", "min_amount_ht")
ITEM_FIELDS = (
    "reference",
    "label",
    "description",
    "category",
    "unit",
    "vat_rate",
    "list_price_ht",
    "serialized",
    "warranty_months",
    "is_active",
)


def require_purchasing_manager(acting_user: User) -> None:
    # None is a system script (demo data, management command): they act as the operator itself.
    if acting_user is not None and not can_manage_purchasing(acting_user):
        raise PermissionDenied(_("Réservé aux acheteurs de la centrale d'achat et aux administrateurs."))


def _audit(acting_user: User, action: str, obj: models.Model, **kwargs: Any) -> None:
    audit_record(actor=acting_user, action=action, obj=obj, **kwargs)


def _reject_unknown(name: str, changes: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"{name}: unknown fields {sorted(unknown)}")


# --- Suppliers ------------------------------------------------------------------------------------------------


def _normalize_supplier(supplier: Supplier) -> None:
    supplier.name = (supplier.name or "").strip()
    supplier.siret = compact_number(supplier.siret)
    supplier.iban = stdnum_iban.compact(supplier.iban or "")
    supplier.bic = (supplier.bic or "").replace(" ", "").upper()


@transaction.atomic
def supplier_create(
    *,
    acting_user: User,
    name: str,
    siret: str,
    address: str = "",
    email: str = "",
    phone: str = "",
    iban: str = "",
    bic: str = "",
    contacts: Iterable[dict[str, str]] = (),
) -> Supplier:
    """Record a supplier (SIRET and IBAN checked) with its contacts."""
    require_purchasing_manager(acting_user)
    supplier = Supplier(name=name, siret=siret, address=address, email=email, phone=phone, iban=iban, bic=bic)
    _normalize_supplier(supplier)
    errors = Errors()
    errors.full_clean(supplier)
    contact_rows = [SupplierContact(supplier=supplier, **contact) for contact in contacts]
    for row in contact_rows:
        errors.full_clean(row, exclude=["supplier"])
    errors.raise_if_any()
    supplier.save()
    for row in contact_rows:
        row.supplier = supplier
        row.save()
    _audit(acting_user, "supplier.create", supplier, after=snapshot(supplier))
    return supplier


@transaction.atomic
def supplier_update(*, supplier: Supplier, acting_user: User, **changes: Any) -> Supplier:
    """Change a supplier's identity, contact details or bank account (SIRET and IBAN checked)."""
    require_purchasing_manager(acting_user)
    return update_audited(
        supplier,
        acting_user=acting_user,
        action="supplier.update",
        changes=changes,
        allowed=SUPPLIER_FIELDS,
        prepare=_normalize_supplier,
    )


@transaction.atomic
def supplier_contact_create(
    *,
    supplier: Supplier,
    acting_user: User,
    name: str,
    role: str = "",
    email: str = "",
    phone: str = "",
) -> SupplierContact:
    """Add a contact person to a supplier."""
    require_purchasing_manager(acting_user)
    contact = SupplierContact(supplier=supplier, name=(name or "").strip(), role=role, email=email, phone=phone)
    errors = Errors()
    errors.full_clean(contact)
    errors.raise_if_any()
    contact.save()
    _audit(acting_user, "supplier.contact_create", supplier, after=snapshot(contact))
    return contact


# --- Framework agreements -------------------------------------------------------------------------------------


def holder_count(agreement: FrameworkAgreement, *, lot: Lot | None = None, holders: Iterable[Supplier] = ()) -> int:
    """Distinct suppliers holding a lot of the agreement; with `lot`, its holders replaced by `holders`."""
    recorded = LotHolder.objects.filter(lot__agreement_id=agreement.pk)
    if lot is not None and lot.pk:
        recorded = recorded.exclude(lot_id=lot.pk)
    return len(set(recorded.values_list("supplier_id", flat=True)) | {supplier.pk for supplier in holders})


def _check_offers_received(agreement: FrameworkAgreement, errors: Errors) -> None:
    # Every holder made an offer: fewer offers than holders would publish impossible DECP data.
    offers = agreement.offers_received
    if offers is None:
        return
    if offers < 1:
        errors.add("offers_received", _("Le nombre d'offres reçues est d'au moins une."))
        return
    holders = holder_count(agreement) if agreement.pk else 0
    if offers < holders:
        errors.add(
            "offers_received",
            _("Le nombre d'offres reçues ne peut être inférieur au nombre de titulaires (%(count)s).")
            % {"count": holders},
        )


def _check_holders_within_offers(
    agreement: FrameworkAgreement, lot: Lot, holders: list[Supplier], errors: Errors
) -> None:
    # The recorded number of offers bounds the holders: a supplier that made no offer cannot hold a lot.
    if agreement.offers_received is None:
        return
    count = holder_count(agreement, lot=lot, holders=holders)
    if count > agreement.offers_received:
        errors.add(
            "holders",
            _(
                "L'accord-cadre aurait %(count)s titulaires pour %(offers)s offre(s) reçue(s) : corrigez d'abord "
                "le nombre d'offres reçues de l'accord-cadre."
            )
            % {"count": count, "offers": agreement.offers_received},
        )


def _check_agreement(agreement: FrameworkAgreement, errors: Errors) -> None:
    agreement.reference = (agreement.reference or "").strip()
    agreement.subject = (agreement.subject or "").strip()
    agreement.cpv_code = (agreement.cpv_code or "").strip()
    agreement.allowed_member_kinds = sorted(set(agreement.allowed_member_kinds or []))
    unknown = [kind for kind in agreement.allowed_member_kinds if kind not in MemberKind.values]
    if unknown:
        errors.add("allowed_member_kinds", _("Nature d'adhérent inconnue : %(kinds)s.") % {"kinds": ", ".join(unknown)})
    if agreement.duration_months:
        errors.check(rules.assert_framework_duration, agreement.duration_months)
    if agreement.notification_date and agreement.start_date and agreement.start_date < agreement.notification_date:
        errors.add("start_date", _("L'exécution ne peut commencer avant la notification de l'accord-cadre."))
    _check_offers_received(agreement, errors)
    # Our message on the number of offers is enough; the field's own bound (≥ 0) would repeat it.
    errors.full_clean(agreement, exclude=["offers_received"] if errors.has("offers_received") else None)


@transaction.atomic
def agreement_create(
    *,
    acting_user: User,
    reference: str,
    subject: str,
    cpv_code: str,
    procedure: str,
    notification_date: datetime.date,
    start_date: datetime.date,
    duration_months: int,
    allowed_member_kinds: Iterable[str] = (),
    description: str = "",
    offers_received: int | None = None,
) -> FrameworkAgreement:
    """Record a framework agreement in preparation (4 years at most — CCP L2125-1; reference unique; CPV checked;
    at least one offer received when the number is given)."""
    require_purchasing_manager(acting_user)
    agreement = FrameworkAgreement(
        reference=reference,
        subject=subject,
        cpv_code=cpv_code,
        procedure=procedure,
        notification_date=notification_date,
        start_date=start_date,
        duration_months=duration_months,
        allowed_member_kinds=list(allowed_member_kinds),
        description=description,
        offers_received=offers_received,
        status=AgreementStatus.DRAFT,
    )
    errors = Errors()
    _check_agreement(agreement, errors)
    errors.raise_if_any()
    agreement.save()
    _audit(acting_user, "agreement.create", agreement, after=snapshot(agreement))
    return agreement


@transaction.atomic
def agreement_update(*, agreement: FrameworkAgreement, acting_user: User, **changes: Any) -> FrameworkAgreement:
    """Change an agreement's description (not once it has ended); the same checks as at creation, and no fewer
    offers received than the holders already recorded on its lots."""
    require_purchasing_manager(acting_user)
    _reject_unknown("agreement_update", changes, AGREEMENT_FIELDS)
    agreement = FrameworkAgreement.objects.select_for_update().get(pk=agreement.pk)
    errors = Errors()
    if agreement.status == AgreementStatus.ENDED:
        errors.add(None, _("Un accord-cadre terminé ne se modifie plus."))
    before = snapshot(agreement)
    for field, value in changes.items():
        setattr(agreement, field, list(value) if field == "allowed_member_kinds" else value)
    # The award prices are dated from the start: once members order, moving it would re-date them.
    if agreement.status == AgreementStatus.ACTIVE and str(agreement.start_date) != str(before["start_date"]):
        errors.add("start_date", _("La date de début d'un accord-cadre en vigueur ne change plus."))
    _check_agreement(agreement, errors)
    errors.raise_if_any()
    agreement.save()
    _audit(acting_user, "agreement.update", agreement, before=before, after=snapshot(agreement))
    return agreement


@transaction.atomic
def agreement_activate(*, agreement: FrameworkAgreement, acting_user: User) -> FrameworkAgreement:
    """Put an agreement in force: members may order once every lot has a holder and there is at least one lot."""
    require_purchasing_manager(acting_user)
    agreement = FrameworkAgreement.objects.select_for_update().get(pk=agreement.pk)
    errors = Errors()
    if agreement.status != AgreementStatus.DRAFT:
        errors.add(None, _("Seul un accord-cadre en préparation peut être mis en vigueur."))
    lots = list(agreement.lots.prefetch_related("lot_holders"))
    if not lots:
        errors.add(None, _("Ajoutez au moins un lot avant de mettre l'accord-cadre en vigueur."))
    without_holder = [str(lot.number) for lot in lots if not lot.lot_holders.all()]
    if without_holder:
        errors.add(None, _("Lots sans titulaire : %(lots)s.") % {"lots": ", ".join(without_holder)})
    errors.raise_if_any()
    agreement.status = AgreementStatus.ACTIVE
    agreement.save(update_fields=["status", "updated_at"])
    _audit(acting_user, "agreement.activate", agreement, after={"status": agreement.status})
    return agreement


@transaction.atomic
def agreement_end(*, agreement: FrameworkAgreement, acting_user: User, reason: str = "") -> FrameworkAgreement:
    """End an agreement in force (term reached, or resiliation — then a reason is required)."""
    require_purchasing_manager(acting_user)
    agreement = FrameworkAgreement.objects.select_for_update().get(pk=agreement.pk)
    errors = Errors()
    if agreement.status != AgreementStatus.ACTIVE:
        errors.add(None, _("Seul un accord-cadre en vigueur peut être terminé."))
    if not (reason or "").strip():
        errors.add("reason", _("Indiquez le motif (terme atteint, résiliation…)."))
    errors.raise_if_any()
    agreement.status = AgreementStatus.ENDED
    agreement.save(update_fields=["status", "updated_at"])
    _audit(acting_user, "agreement.end", agreement, after={"status": agreement.status}, reason=reason)
    return agreement


# --- Lots -----------------------------------------------------------------------------------------------------


def _check_lot(lot: Lot, errors: Errors) -> None:
    lot.title = (lot.title or "").strip()
    if lot.max_amount_ht is not None and lot.max_amount_ht <= 0:
        errors.add("max_amount_ht", _("Le montant maximum doit être supérieur à zéro (article R2162-4 du CCP)."))
    if lot.min_amount_ht is not None:
        if lot.min_amount_ht < 0:
            errors.add("min_amount_ht", _("Le montant minimum ne peut être négatif."))
        elif lot.max_amount_ht is not None and lot.min_amount_ht > lot.max_amount_ht:
            errors.add("min_amount_ht", _("Le montant minimum ne peut dépasser le maximum."))
    if lot.max_amount_ht is not None and lot.pk and lot.max_amount_ht < lot.consumed_amount_ht:
        errors.add(
            "max_amount_ht",
            _("Le maximum ne peut être inférieur au montant déjà consommé (%(consumed)s HT).")
            % {"consumed": euros(lot.consumed_amount_ht)},
        )
    errors.full_clean(lot)


def _check_holders(holders: list[Supplier], errors: Errors) -> None:
    if not holders:
        errors.add("holders", _("Un lot a au moins un titulaire."))
    if len({supplier.pk for supplier in holders}) != len(holders):
        errors.add("holders", _("Un fournisseur est cité deux fois parmi les titulaires."))


def _set_holders(lot: Lot, holders: list[Supplier]) -> None:
    lot.lot_holders.all().delete()
    for rank, supplier in enumerate(holders, start=1):
        LotHolder.objects.create(lot=lot, supplier=supplier, rank=rank)


@transaction.atomic
def lot_create(
    *,
    agreement: FrameworkAgreement,
    acting_user: User,
    number: int,
    title: str,
    max_amount_ht: Decimal,
    min_amount_ht: Decimal | None = None,
    holders: Iterable[Supplier] = (),
) -> Lot:
    """Add a lot to an agreement: a maximum > 0, an optional minimum ≤ maximum (CCP R2162-4), ranked holders."""
    require_purchasing_manager(acting_user)
    holders = list(holders)
    # Locked so that the number of offers received cannot change while holders are counted against it.
    agreement = FrameworkAgreement.objects.select_for_update().get(pk=agreement.pk)
    errors = Errors()
    if agreement.status == AgreementStatus.ENDED:
        errors.add(None, _("On n'ajoute pas de lot à un accord-cadre terminé."))
    lot = Lot(agreement=agreement, number=number, title=title, max_amount_ht=max_amount_ht, min_amount_ht=min_amount_ht)
    _check_lot(lot, errors)
    _check_holders(holders, errors)
    _check_holders_within_offers(agreement, lot, holders, errors)
    errors.raise_if_any()
    lot.save()
    _set_holders(lot, holders)
    _audit(acting_user, "lot.create", lot, after=snapshot(lot) | {"holders": [s.pk for s in holders]})
    return lot


@transaction.atomic
def lot_update(*, lot: Lot, acting_user: User, holders: Iterable[Supplier] | None = None, **changes: Any) -> Lot:
    """Change a lot's title, amounts or holders; the maximum never drops below what was already consumed."""
    require_purchasing_manager(acting_user)
    _reject_unknown("lot_update", changes, LOT_FIELDS)
    lot = Lot.objects.select_for_update(of=("self",)).select_related("agreement").get(pk=lot.pk)
    errors = Errors()
    if lot.agreement.status == AgreementStatus.ENDED:
        errors.add(None, _("Un accord-cadre terminé ne se modifie plus."))
    before = snapshot(lot) | {"holders": list(lot.lot_holders.values_list("supplier_id", flat=True))}
    for field, value in changes.items():
        setattr(lot, field, value)
    _check_lot(lot, errors)
    if holders is not None:
        holders = list(holders)
        _check_holders(holders, errors)
        ordered = set(lot.orders.values_list("supplier_id", flat=True))
        dropped = ordered - {s.pk for s in holders}
        if dropped:
            errors.add("holders", _("Un titulaire qui a déjà reçu des commandes ne peut être retiré du lot."))
        agreement = FrameworkAgreement.objects.select_for_update().get(pk=lot.agreement_id)
        _check_holders_within_offers(agreement, lot, holders, errors)
    errors.raise_if_any()
    lot.save()
    if holders is not None:
        _set_holders(lot, holders)
    after = snapshot(lot) | {"holders": list(lot.lot_holders.values_list("supplier_id", flat=True))}
    _audit(acting_user, "lot.update", lot, before=before, after=after)
    return lot


# --- Catalogue items ------------------------------------------------------------------------------------------


def _check_item(item: CatalogueItem, errors: Errors) -> None:
    item.reference = (item.reference or "").strip()
    item.label = (item.label or "").strip()
    if item.vat_rate is not None and not (Decimal("0") <= item.vat_rate <= Decimal("100")):
        errors.add("vat_rate", _("Le taux de TVA est un pourcentage entre 0 et 100."))
    if item.list_price_ht is not None and item.list_price_ht < 0:
        errors.add("list_price_ht", _("Le prix public ne peut être négatif."))
    errors.full_clean(item)


def _check_price(price: Decimal | None, errors: Errors, field: str = "unit_price_ht") -> None:
    if price is None:
        errors.add(field, _("Indiquez le prix unitaire HT."))
    elif price < 0:
        errors.add(field, _("Le prix unitaire ne peut être négatif."))


@transaction.atomic
def item_create(
    *,
    lot: Lot,
    acting_user: User,
    reference: str,
    label: str,
    category: str,
    unit_price_ht: Decimal,
    description: str = "",
    unit: str = "unité",
    vat_rate: Decimal = Decimal("20.00"),
    list_price_ht: Decimal | None = None,
    serialized: bool = True,
    warranty_months: int = 24,
    is_active: bool = True,
    price_from: datetime.date | None = None,
) -> CatalogueItem:
    """Add an item to a lot's BPU with its award price, in force from the agreement's start (or `price_from`)."""
    require_purchasing_manager(acting_user)
    errors = Errors()
    if lot.agreement.status == AgreementStatus.ENDED:
        errors.add(None, _("On n'ajoute pas d'article à un accord-cadre terminé."))
    item = CatalogueItem(
        lot=lot,
        reference=reference,
        label=label,
        description=description,
        category=category,
        unit=unit,
        vat_rate=vat_rate,
        list_price_ht=list_price_ht,
        serialized=serialized,
        warranty_months=warranty_months,
        is_active=is_active,
    )
    _check_item(item, errors)
    _check_price(unit_price_ht, errors)
    errors.raise_if_any()
    item.save()
    price = ItemPrice(
        item=item,
        unit_price_ht=unit_price_ht,
        effective_from=price_from or lot.agreement.start_date,
        created_by=acting_user,
    )
    price.full_clean()
    price.save()
    _audit(acting_user, "item.create", item, after=snapshot(item) | {"unit_price_ht": unit_price_ht})
    return item


@transaction.atomic
def item_update(
    *,
    item: CatalogueItem,
    acting_user: User,
    unit_price_ht: Decimal | None = None,
    **changes: Any,
) -> CatalogueItem:
    """Change an item's description; its award price may change only while the agreement is in preparation
    (afterwards prices change by amendment)."""
    require_purchasing_manager(acting_user)
    _reject_unknown("item_update", changes, ITEM_FIELDS)
    item = CatalogueItem.objects.select_for_update(of=("self",)).select_related("lot__agreement").get(pk=item.pk)
    agreement = item.lot.agreement
    errors = Errors()
    if agreement.status == AgreementStatus.ENDED:
        errors.add(None, _("Un accord-cadre terminé ne se modifie plus."))
    before = snapshot(item)
    for field, value in changes.items():
        setattr(item, field, value)
    _check_item(item, errors)
    award = item.prices.order_by("effective_from").first()
    # In preparation the award price is edited; in force the price shown (today's) may only be resent unchanged.
    if agreement.status == AgreementStatus.DRAFT:
        reference_price = award.unit_price_ht if award else None
    else:
        reference_price = pricing.item_price_on(item, timezone.localdate())
    price_changed = unit_price_ht is not None and reference_price != unit_price_ht
    if price_changed:
        _check_price(unit_price_ht, errors)
        if agreement.status != AgreementStatus.DRAFT:
            errors.add(
                "unit_price_ht", _("L'accord-cadre est en vigueur : un changement de prix passe par un avenant.")
            )
    errors.raise_if_any()
    item.save()
    after = snapshot(item)
    if price_changed and unit_price_ht is not None:
        if award is None:
            award = ItemPrice(item=item, effective_from=agreement.start_date)
        before["unit_price_ht"], after["unit_price_ht"] = (award.unit_price_ht if award.pk else None), unit_price_ht
        award.unit_price_ht, award.created_by = unit_price_ht, acting_user
        award.full_clean()
        award.save()
    _audit(acting_user, "item.update", item, before=before, after=after)
    return item


# --- Amendments -----------------------------------------------------------------------------------------------


@transaction.atomic
def amendment_create(
    *,
    agreement: FrameworkAgreement,
    acting_user: User,
    number: int | None = None,
    subject: str,
    signed_date: datetime.date,
    effective_date: datetime.date,
    prices: dict[CatalogueItem, Decimal] | None = None,
    duration_change_months: int = 0,
    amount_change_ht: Decimal = Decimal("0"),
) -> Amendment:
    """Record an avenant; its new prices apply from its effective date (earlier orders keep the prices they copied).
    The agreement with its extensions still lasts 4 years at most (CCP L2125-1)."""
    require_purchasing_manager(acting_user)
    agreement = FrameworkAgreement.objects.select_for_update().get(pk=agreement.pk)
    prices = dict(prices or {})
    errors = Errors()
    if agreement.status != AgreementStatus.ACTIVE:
        errors.add(None, _("Un avenant ne se conclut que sur un accord-cadre en vigueur."))
    if number is None:
        number = (agreement.amendments.aggregate(last=models.Max("number"))["last"] or 0) + 1
    amendment = Amendment(
        agreement=agreement,
        number=number,
        subject=(subject or "").strip(),
        signed_date=signed_date,
        effective_date=effective_date,
        duration_change_months=duration_change_months or 0,
        amount_change_ht=amount_change_ht or Decimal("0"),
    )
    errors.full_clean(amendment)
    if effective_date and effective_date < agreement.start_date:
        errors.add("effective_date", _("La date d'effet précède le début d'exécution de l'accord-cadre."))
    if effective_date and signed_date and effective_date < signed_date:
        errors.add("effective_date", _("La date d'effet précède la signature de l'avenant."))
    extensions = sum(agreement.amendments.values_list("duration_change_months", flat=True))
    errors.check(
        rules.assert_framework_duration, agreement.duration_months + extensions + (duration_change_months or 0)
    )
    for item, price in prices.items():
        if item.lot.agreement_id != agreement.pk:
            errors.add("prices", _("L'article %(ref)s n'appartient pas à cet accord-cadre.") % {"ref": item.reference})
        elif price is None or price < 0:
            errors.add("prices", _("Prix invalide pour l'article %(ref)s.") % {"ref": item.reference})
        elif effective_date and item.prices.filter(effective_from=effective_date).exists():
            errors.add(
                "prices",
                _("L'article %(ref)s a déjà un prix à cette date d'effet.") % {"ref": item.reference},
            )
    errors.raise_if_any()
    amendment.save()
    for item, price in prices.items():
        row = ItemPrice(
            item=item, unit_price_ht=price, effective_from=effective_date, amendment=amendment, created_by=acting_user
        )
        row.full_clean()
        row.save()
    after = snapshot(amendment) | {"prices": {item.reference: str(price) for item, price in prices.items()}}
    _audit(acting_user, "amendment.create", amendment, after=after)
    return amendment
