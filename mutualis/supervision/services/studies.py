"""Site risk study → quote → order → supervised devices.

A member's agent asks for a security study of a site; a supervision operator records the assessment (threats,
zones, recommendations) and the recommended devices from the purchasing catalogue, then sends it as a quote; the
member turns it into orders in one step (purchasing's own order services: one draft per lot); once purchasing
records the delivered assets of those orders, `devices_from_delivered_assets` makes them supervised devices of the
site (inactive until the operator activates them within the legal frame). Purchasing is unchanged: the hook is a
post_save receiver on its DeliveredAsset.
"""

import logging
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.assets.choices import AssetKind
from mutualis.core.services import audit_record
from mutualis.core.validation import Errors
from mutualis.members.models import Site
from mutualis.members.selectors import member_role
from mutualis.purchasing.choices import ORDERING_ROLES
from mutualis.purchasing.models import CatalogueItem, DeliveredAsset, Order
from mutualis.purchasing.services import orders as order_services
from mutualis.supervision.choices import DeviceKind
from mutualis.supervision.choices_evidence import StudyStatus
from mutualis.supervision.models import Device, ProtectedSite
from mutualis.supervision.models.evidence import RiskStudy, RiskStudyLine
from mutualis.supervision.services import devices as device_services
from mutualis.supervision.services import sites as site_services
from mutualis.supervision.services.common import require_operator

logger = logging.getLogger(__name__)

DEVICE_KIND_BY_ASSET: dict[str, str] = {
    AssetKind.CAMERA: DeviceKind.FIXED_CAMERA,
    AssetKind.RECORDER: DeviceKind.NVR,
    AssetKind.ACCESS_READER: DeviceKind.ACCESS_READER,
    AssetKind.SENSOR: DeviceKind.INTRUSION_SENSOR,
}


def _require_member_agent(user: User, site: Site) -> None:
    if member_role(user=user, member=site.member) not in ORDERING_ROLES:
        raise PermissionDenied(_("Seuls les agents et gestionnaires de l'adhérent demandent une étude ou commandent."))


def _audit(study: RiskStudy, action: str, user: User, after: Any = None) -> None:
    audit_record(actor=user, action=action, obj=study, member_id=study.site.member_id, after=after)


@transaction.atomic
def study_request(*, site: Site, request_note: str, acting_user: User) -> RiskStudy:
    """A member's agent asks for a security study of one of its sites (« vidéoprotection » transferred)."""
    _require_member_agent(acting_user, site)
    errors = Errors()
    if not site_services.supervision_allowed_for(site.member):
        errors.add("site", _("L'adhérent n'a pas transféré la compétence « vidéoprotection »."))
    if not (request_note or "").strip():
        errors.add("request_note", _("Décrivez le besoin (faits, horaires, lieux)."))
    errors.raise_if_any()
    study = RiskStudy(site=site, request_note=request_note.strip(), requested_by=acting_user)
    study.full_clean()
    study.save()
    _audit(study, "supervision.study_request", acting_user, {"site": site.pk})
    return study


def _require_editable(study: RiskStudy) -> None:
    if study.status != StudyStatus.REQUESTED:
        raise ValidationError(_("Le devis est déjà transmis : l'étude ne se modifie plus."))


@transaction.atomic
def study_assess(*, study: RiskStudy, threats: str, zones: str, recommendations: str, acting_user: User) -> RiskStudy:
    """The operator records the risk assessment."""
    require_operator(acting_user)
    _require_editable(study)
    study.threats, study.zones, study.recommendations = threats.strip(), zones.strip(), recommendations.strip()
    study.assessed_by = acting_user
    study.full_clean()
    study.save()
    _audit(study, "supervision.study_assess", acting_user)
    return study


@transaction.atomic
def study_line_add(
    *, study: RiskStudy, item: CatalogueItem, quantity: int, acting_user: User, location: str = ""
) -> RiskStudyLine:
    """Recommend a device of the purchasing catalogue."""
    require_operator(acting_user)
    _require_editable(study)
    if not item.is_active:
        raise ValidationError({"item": _("Cet article n'est plus au catalogue.")})
    line = RiskStudyLine(study=study, item=item, quantity=quantity, location=location.strip())
    line.full_clean()
    line.save()
    _audit(study, "supervision.study_line_add", acting_user, {"item": item.pk, "quantity": quantity})
    return line


@transaction.atomic
def study_send_quote(*, study: RiskStudy, acting_user: User) -> RiskStudy:
    """Send the assessed study to the member as a quote."""
    require_operator(acting_user)
    _require_editable(study)
    errors = Errors()
    if not (study.threats and study.recommendations):
        errors.add(None, _("Renseignez les menaces et les préconisations avant d'envoyer le devis."))
    if not study.lines.exists():
        errors.add(None, _("Préconisez au moins un équipement du catalogue."))
    errors.raise_if_any()
    study.status = StudyStatus.QUOTED
    study.quoted_at = timezone.now()
    study.save(update_fields=["status", "quoted_at", "updated_at"])
    _audit(study, "supervision.study_quote", acting_user)
    return study


def study_quote_total(study: RiskStudy) -> Any:
    """The quote's lines at today's prices (HT), and their total."""
    from mutualis.purchasing.pricing import item_price_on

    lines: list[dict[str, Any]] = []
    total = Decimal("0")
    for line in study.lines.select_related("item", "item__lot"):
        price = item_price_on(line.item, timezone.localdate())
        amount = (price or Decimal("0")) * line.quantity
        total += amount
        lines.append({"line": line, "unit_price": price, "amount": amount})
    return lines, total


@transaction.atomic
def study_order(*, study: RiskStudy, acting_user: User) -> list[Order]:
    """The member turns the quote into orders in one step: one draft order per lot of the catalogue, delivered to
    the studied site, through purchasing's order services (their rules apply: orderable items, prices, holders)."""
    study = RiskStudy.objects.select_for_update().get(pk=study.pk)
    _require_member_agent(acting_user, study.site)
    if study.status != StudyStatus.QUOTED:
        raise ValidationError(_("Seul un devis transmis se commande."))
    by_lot: dict[int, list[RiskStudyLine]] = defaultdict(list)
    for line in study.lines.select_related("item", "item__lot"):
        by_lot[line.item.lot_id].append(line)
    created = []
    for lines in by_lot.values():
        order = order_services.order_create(
            member=study.site.member, lot=lines[0].item.lot, site=study.site, acting_user=acting_user
        )
        for line in lines:
            order_services.order_line_add(order=order, item=line.item, quantity=line.quantity, acting_user=acting_user)
        created.append(order)
    study.orders.add(*created)
    study.status = StudyStatus.ORDERED
    study.ordered_at = timezone.now()
    study.save(update_fields=["status", "ordered_at", "updated_at"])
    _audit(study, "supervision.study_order", acting_user, {"orders": [o.number for o in created]})
    return created


@transaction.atomic
def study_decline(*, study: RiskStudy, acting_user: User) -> RiskStudy:
    """The member declines the quote."""
    _require_member_agent(acting_user, study.site)
    if study.status not in {StudyStatus.REQUESTED, StudyStatus.QUOTED}:
        raise ValidationError(_("Cette étude est déjà commandée."))
    study.status = StudyStatus.DECLINED
    study.save(update_fields=["status", "updated_at"])
    _audit(study, "supervision.study_decline", acting_user)
    return study


def devices_from_delivered_assets(*, order: Order) -> list[Device]:
    """Make the delivered assets of a study's order supervised devices of its site (the site placed under
    supervision by the study's operator if it was not), inactive until activated; idempotent."""
    study = RiskStudy.objects.filter(orders=order).select_related("site", "assessed_by").first()
    if study is None or study.assessed_by is None:
        return []
    operator = study.assessed_by
    delivered = (
        DeliveredAsset.objects.filter(delivery_line__delivery__order=order, asset__supervision_devices__isnull=True)
        .select_related("asset", "delivery_line__order_line__item")
        .order_by("pk")
    )
    made: list[Device] = []
    with transaction.atomic():
        protected = ProtectedSite.objects.filter(site=study.site).first()
        for link in delivered:
            kind = DEVICE_KIND_BY_ASSET.get(link.asset.kind)
            if kind is None:
                continue
            if protected is None:
                protected = site_services.protected_site_create(site=study.site, acting_user=operator)
            lines = study.lines.filter(item=link.delivery_line.order_line.item)
            location = next((line.location for line in lines if line.location), "")
            made.append(
                device_services.device_create(
                    protected_site=protected,
                    acting_user=operator,
                    kind=kind,
                    name=f"{link.asset.designation} ({link.asset.serial_number or link.asset.pk})"[:150],
                    asset=link.asset,
                    location=location,
                )
            )
    return made


def _on_delivered_asset(sender: Any, instance: DeliveredAsset, created: bool, **kwargs: Any) -> None:
    """Once the delivery commits, the study's delivered devices become supervised devices."""
    if not created:
        return
    order_id = instance.delivery_line.delivery.order_id

    def run() -> None:
        try:
            devices_from_delivered_assets(order=Order.objects.get(pk=order_id))
        except (ValidationError, PermissionDenied):
            # The delivery stands; the operator adds the device by hand and the log says why it was not made.
            logger.exception("supervision: delivered assets of order %s not made devices", order_id)

    transaction.on_commit(run)


def connect_signals() -> None:
    """Hook the delivery of assets (called from the app's ready())."""
    post_save.connect(_on_delivered_asset, sender=DeliveredAsset, dispatch_uid="supervision_study_delivered_asset")
