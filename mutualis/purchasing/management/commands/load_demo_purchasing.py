"""`manage.py load_demo_purchasing`: framework agreements, suppliers, catalogue and a few hundred orders in every
status, through the services; idempotent (skips what is there).

What is loaded — suppliers (FICTITIOUS), agreements, lots, items and prices, the members that order and how many
orders end in each status — is data, in data/demo/purchasing.toml; this command only walks it. Orders follow the
real path — agent submits, manager approves above the threshold, the purchasing officer validates and
consolidates, the site receives with serial numbers, service fait, invoice, payment — with dates spread over the
last eighteen months.
"""

import datetime
import random
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mutualis.accounts.management.commands.demo_logins import DEMO_PASSWORD
from mutualis.accounts.models import User
from mutualis.accounts.services import DEMO_EMAIL_DOMAIN, user_create
from mutualis.members.choices import Competence, MemberRole, MemberStatus
from mutualis.members.models import Member, Membership
from mutualis.members.services import membership_add
from mutualis.purchasing.choices import AgreementStatus
from mutualis.purchasing.choices import OrderStatus as S
from mutualis.purchasing.models import FrameworkAgreement, Lot, MemberPurchasingSettings, Order
from mutualis.purchasing.services import agreements, consolidation, deliveries, invoices, orders


def demo_data_file() -> Path:
    """Where the project ships the purchasing demo (data/demo/purchasing.toml)."""
    return Path(settings.BASE_DIR) / "data" / "demo" / "purchasing.toml"


def demo_data(path: Path | None = None) -> dict[str, Any]:
    """The purchasing demo as the data file states it, amounts as Decimal."""
    with (path or demo_data_file()).open("rb") as handle:
        data = tomllib.load(handle)
    for agreement in data["agreements"]:
        for lot in agreement["lots"]:
            for key in ("max_amount_ht", "min_amount_ht"):
                lot[key] = Decimal(lot[key]) if key in lot else None
            for item in lot["items"]:
                item["unit_price_ht"], item["list_price_ht"] = (
                    Decimal(item["unit_price_ht"]),
                    Decimal(item["list_price_ht"]),
                )
    for member in data["ordering_members"].values():
        threshold = member.get("approval_threshold_ht")
        member["approval_threshold_ht"] = Decimal(threshold) if threshold is not None else None
    return data


class Command(BaseCommand):
    help = "Charge la démonstration de la centrale d'achat (accords-cadres, catalogue, commandes) ; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        self.rng = random.Random(2026)  # noqa: S311 (demo data, not security)
        self.data = demo_data()
        self.buyer = User.objects.get(email=f"acheteur@{DEMO_EMAIL_DOMAIN}")
        # Members' accounts are the administrator's to create and attach.
        self.admin = User.objects.get(email=f"admin@{DEMO_EMAIL_DOMAIN}")
        created = self._agreements()
        count = self._orders() if not Order.objects.exists() else 0
        self.stdout.write(f"Centrale d'achat : {created} accord(s)-cadre(s) créé(s), {count} commande(s) créée(s).")

    # --- agreements -------------------------------------------------------------------------------------------
    @transaction.atomic
    def _agreements(self) -> int:
        suppliers = {}
        for row in self.data["suppliers"]:
            supplier = _supplier(row["siret"])
            if supplier is None:
                supplier = agreements.supplier_create(acting_user=self.buyer, **row)
            suppliers[row["name"]] = supplier
        created = 0
        for row in self.data["agreements"]:
            fields = {key: value for key, value in row.items() if key != "lots"}
            existing = FrameworkAgreement.objects.filter(reference=row["reference"]).first()
            if existing is not None:
                # Demo agreements loaded before the number of offers was recorded get it once.
                if existing.offers_received is None and existing.status != AgreementStatus.ENDED:
                    agreements.agreement_update(
                        agreement=existing, acting_user=self.buyer, offers_received=row["offers_received"]
                    )
                continue
            agreement = agreements.agreement_create(acting_user=self.buyer, **fields)
            for lot_row in row["lots"]:
                lot = agreements.lot_create(
                    agreement=agreement,
                    acting_user=self.buyer,
                    number=lot_row["number"],
                    title=lot_row["title"],
                    max_amount_ht=lot_row["max_amount_ht"],
                    min_amount_ht=lot_row["min_amount_ht"],
                    holders=[suppliers[name] for name in lot_row["holders"]],
                )
                for item in lot_row["items"]:
                    agreements.item_create(lot=lot, acting_user=self.buyer, **item)
            agreements.agreement_activate(agreement=agreement, acting_user=self.buyer)
            created += 1
        return created

    # --- orders -----------------------------------------------------------------------------------------------
    def _ordering_members(self) -> list[tuple[Member, User, User | None]]:
        result = []
        for siren, row in self.data["ordering_members"].items():
            local, threshold = row["agent"], row["approval_threshold_ht"]
            member = Member.objects.filter(siren=siren, status=MemberStatus.ACTIVE).first()
            if member is None or not member.competences.filter(competence=Competence.CENTRAL_PURCHASING).exists():
                continue
            agent = self._agent(member, local)
            manager = (
                User.objects.filter(memberships__member=member, memberships__role=MemberRole.MANAGER).first() or agent
            )
            MemberPurchasingSettings.objects.update_or_create(
                member=member, defaults={"approval_threshold_ht": threshold}
            )
            result.append((member, agent, manager))
        return result

    def _agent(self, member: Member, local: str) -> User:
        email = f"{local}@{DEMO_EMAIL_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email, first_name="Service", last_name=f"achats — {member.name}", acting_user=self.admin
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if not Membership.objects.filter(member=member, user=user).exists():
            # A member without a manager gets its purchasing account as manager, so that approvals have someone.
            has_manager = Membership.objects.filter(member=member, role=MemberRole.MANAGER).exists()
            role = MemberRole.AGENT if has_manager else MemberRole.MANAGER
            membership_add(member=member, user=user, role=role, acting_user=self.admin)
        return user

    def _orders(self) -> int:
        buyers = self._ordering_members()
        lots = list(
            Lot.objects.filter(agreement__reference__startswith="DEMO-")
            .select_related("agreement")
            .prefetch_related("items")
        )
        plan = [status for status, count in self.data["orders"]["final_statuses"].items() for _ in range(count)]
        self.rng.shuffle(plan)
        # Orders meant to stay validated come last: consolidation sends every validated order of a lot.
        plan.sort(key=lambda status: status == S.VALIDATED)
        today = timezone.localdate()
        count = 0
        for target in plan:
            member, agent, manager = self.rng.choice(buyers)
            lot = self.rng.choice(lots)
            # Within the agreement's life: nobody orders under an agreement before it starts.
            age = self.rng.randint(*self.data["orders"]["age_days"].get(target, self.data["orders"]["closed_age_days"]))
            ordered_on = max(today - datetime.timedelta(days=age), lot.agreement.start_date)
            with transaction.atomic():
                order = self._draft(member, agent, lot)
                self._advance(order, target, agent, manager, ordered_on, today)
                _backdate(order, ordered_on)
            count += 1
        return count

    def _draft(self, member: Member, agent: User, lot: Lot) -> Order:
        site = member.sites.filter(is_active=True).order_by("pk").first()
        order = orders.order_create(member=member, lot=lot, acting_user=agent, site=site)
        for item in self.rng.sample(list(lot.items.all()), k=min(2, lot.items.count())):
            orders.order_line_add(
                order=order, item=item, quantity=self.rng.choice([1, 2, 3, 5, 8, 12]), acting_user=agent
            )
        orders.order_update(
            order=order,
            acting_user=agent,
            internal_reference=f"DEM-{self.rng.randint(1000, 9999)}",
            ej_number=f"EJ{self.rng.randint(1000000, 9999999)}",
        )
        return order

    def _advance(
        self, order: Order, target: str, agent: User, manager: User, ordered_on: datetime.date, today: datetime.date
    ) -> None:
        if target == S.DRAFT:
            return
        if target == S.CANCELLED and self.rng.random() < 0.5:
            orders.order_transition(order=order, to_status=S.CANCELLED, acting_user=agent, reason="Besoin reporté.")
            return
        order = orders.order_transition(order=order, to_status=S.SUBMITTED, acting_user=agent)
        if target == S.SUBMITTED:
            return
        if order.status == S.SUBMITTED and _needs_approval(order):
            if target == S.REJECTED:
                orders.order_transition(order=order, to_status=S.REJECTED, acting_user=manager, reason="Budget épuisé.")
                return
            order = orders.order_transition(order=order, to_status=S.APPROVED, acting_user=manager)
        if target == S.APPROVED:
            return
        if target == S.REJECTED:
            orders.order_transition(order=order, to_status=S.REJECTED, acting_user=self.buyer, reason="Hors du besoin.")
            return
        if target == S.CANCELLED:
            orders.order_transition(order=order, to_status=S.CANCELLED, acting_user=manager, reason="Besoin reporté.")
            return
        try:
            order = orders.order_transition(order=order, to_status=S.VALIDATED, acting_user=self.buyer)
        except ValidationError:  # the lot maximum is reached: the order stays submitted, as in real life
            return
        if target == S.VALIDATED:
            return
        consolidation.consolidated_order_create(lot=order.lot, supplier=order.supplier, acting_user=self.buyer)
        order.refresh_from_db()
        if target == S.SENT:
            return
        delivered_on = min(ordered_on + datetime.timedelta(days=self.rng.randint(10, 40)), today)
        lines = list(order.lines.select_related("item"))
        partial = target == S.PARTIALLY_DELIVERED
        payload = []
        for line in lines:
            quantity = max(1, line.quantity // 2) if partial else line.quantity
            if partial and line.quantity == 1 and len(lines) > 1 and line is lines[-1]:
                continue
            serials = (
                [f"SN-{order.number[-6:]}-{line.pk}-{i:03d}" for i in range(quantity)] if line.item.serialized else []
            )
            payload.append({"order_line": line, "quantity": quantity, "serial_numbers": serials})
        deliveries.delivery_record(
            order=order, delivered_on=delivered_on, lines=payload, acting_user=agent, delivery_note=f"BL-{order.pk:05d}"
        )
        order.refresh_from_db()
        if target in {S.PARTIALLY_DELIVERED, S.DELIVERED} or order.status != S.DELIVERED:
            return
        executed = min(delivered_on + datetime.timedelta(days=self.rng.randint(0, 5)), today)
        order = deliveries.service_certify(order=order, execution_date=executed, acting_user=manager)
        if target == S.SERVICE_CERTIFIED:
            return
        received = min(executed + datetime.timedelta(days=self.rng.randint(0, 10)), today)
        invoice = invoices.invoice_register(
            order=order,
            number=f"F{order.pk:06d}",
            invoice_date=received,
            received_on=received,
            amount_ht=order.total_ht,
            amount_vat=order.total_vat,
            amount_ttc=order.total_ttc,
            acting_user=self.buyer,
        )
        if target == S.INVOICED:
            return
        # Most invoices are paid on time; one in five late, so that interest and the flat fee show.
        delay = self.rng.randint(40, 75) if self.rng.random() < 0.2 else self.rng.randint(10, 29)
        paid_on = min(received + datetime.timedelta(days=delay), today)
        invoices.invoice_pay(invoice=invoice, paid_on=paid_on, acting_user=self.buyer)


def _backdate(order: Order, ordered_on: datetime.date) -> None:
    """Spread the demo's history: the order, its number, its status history, its consolidated order and the
    delivery events of its assets move to the days they would have happened (placed on `ordered_on`)."""
    from mutualis.assets.models import AssetEvent
    from mutualis.purchasing.models import ConsolidatedOrder, OrderTransition

    now = timezone.now()

    def at(day: datetime.date, offset_days: int = 0, hour: int = 9) -> datetime.datetime:
        moment = datetime.datetime.combine(day + datetime.timedelta(days=offset_days), datetime.time(hour, 30))
        return min(timezone.make_aware(moment), now)  # a step "today" never lies in the future

    order.refresh_from_db()
    start = at(ordered_on)
    changes: dict[str, Any] = {"created_at": start, "number": f"BC-{ordered_on.year}-{order.pk:06d}"}
    for offset, field in enumerate(["submitted_at", "validated_at", "sent_at"]):
        if getattr(order, field) is not None:
            changes[field] = at(ordered_on, offset * 2)
    delivery = order.deliveries.order_by("delivered_on").first()
    invoice = order.invoices.order_by("received_on").first()
    if order.service_certified_at is not None and order.execution_date is not None:
        changes["service_certified_at"] = at(order.execution_date, 0, 15)
    Order.objects.filter(pk=order.pk).update(**changes)
    # Each recorded step on the day it would have been taken (same-day steps an hour apart, in order).
    step_day = {
        S.DRAFT: (ordered_on, 0),
        S.SUBMITTED: (ordered_on, 0),
        S.APPROVED: (ordered_on, 1),
        S.REJECTED: (ordered_on, 1),
        S.CANCELLED: (ordered_on, 1),
        S.VALIDATED: (ordered_on, 2),
        S.SENT: (ordered_on, 4),
        S.PARTIALLY_DELIVERED: (delivery.delivered_on if delivery else ordered_on, 0),
        S.DELIVERED: (delivery.delivered_on if delivery else ordered_on, 0),
        S.SERVICE_CERTIFIED: (order.execution_date or ordered_on, 0),
        S.INVOICED: (invoice.received_on if invoice else ordered_on, 0),
        S.PAID: (invoice.paid_on if invoice and invoice.paid_on else ordered_on, 0),
    }
    for hour, transition in enumerate(order.transitions.order_by("pk"), start=9):
        day, offset = step_day.get(transition.to_status, (ordered_on, 0))
        OrderTransition.objects.filter(pk=transition.pk).update(at=at(day, offset, min(hour, 18)))
    if order.consolidation_id is not None:
        sent = at(ordered_on, 4)
        ConsolidatedOrder.objects.filter(pk=order.consolidation_id).update(created_at=sent, sent_at=sent)
    delivered = AssetEvent.objects.filter(asset__purchase__delivery_line__delivery__order=order)
    for event in delivered.select_related("asset"):
        if event.asset.delivered_on is not None:
            AssetEvent.objects.filter(pk=event.pk).update(at=at(event.asset.delivered_on, 0, 14))


def _supplier(siret: str) -> Any:
    from mutualis.purchasing.models import Supplier

    return Supplier.objects.filter(siret=siret).first()


def _needs_approval(order: Order) -> bool:
    settings = MemberPurchasingSettings.objects.filter(member=order.member).first()
    return bool(
        settings and settings.approval_threshold_ht is not None and order.total_ht > settings.approval_threshold_ht
    )
