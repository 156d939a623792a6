"""`manage.py load_demo_purchasing`: framework agreements, suppliers, catalogue and a few hundred orders in every
status, through the services; idempotent (skips what is there).

The suppliers are FICTITIOUS (invented names, SIRETs that merely pass the Luhn check, prefix 999). Prices are
plausible public-sector prices, not any real holder's. Orders follow the real path — agent submits, manager
approves above the threshold, the purchasing officer validates and consolidates, the site receives with serial
numbers, service fait, invoice, payment — with dates spread over the last eighteen months.
"""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from mutualis.accounts.models import User
from mutualis.accounts.services import DEMO_EMAIL_DOMAIN, user_create
from mutualis.members.choices import Competence, MemberRole, MemberStatus
from mutualis.members.models import Member, Membership
from mutualis.members.services import membership_add
from mutualis.purchasing.choices import AgreementStatus, Procedure
from mutualis.purchasing.choices import ItemCategory as Cat
from mutualis.purchasing.choices import OrderStatus as S
from mutualis.purchasing.models import FrameworkAgreement, Lot, MemberPurchasingSettings, Order
from mutualis.purchasing.services import agreements, consolidation, deliveries, invoices, orders

D = Decimal
# reference, subject, CPV, procedure, notified, start, months, lots:
# (number, title, maximum, minimum, supplier index, items: (ref, label, category, price, list price, serialized))
AGREEMENTS: list[tuple[Any, ...]] = [
    (
        "DEMO-2025-01",
        "Équipements numériques pour l'enseignement",
        "30213200-7",
        Procedure.OPEN_TENDER,
        datetime.date(2024, 12, 2),
        datetime.date(2025, 1, 1),
        48,
        [
            (
                1,
                "Tablettes et ordinateurs portables",
                D("2400000"),
                D("200000"),
                (0, 7),  # multi-attributaire: ranked holders
                [
                    ("TAB-10", "Tablette 10 pouces 64 Go avec coque", Cat.TABLET, D("289.00"), D("369.00"), True),
                    ("PC-14", "Ordinateur portable 14 pouces élève", Cat.TABLET, D("529.00"), D("699.00"), True),
                    ("CHG-32", "Chariot de recharge 32 tablettes", Cat.FURNITURE, D("1190.00"), D("1590.00"), True),
                ],
            ),
            (
                2,
                "Vidéoprojecteurs et écrans interactifs",
                D("1800000"),
                None,
                1,
                [
                    (
                        "VPI-UC",
                        "Vidéoprojecteur interactif ultra-courte focale",
                        Cat.PROJECTOR,
                        D("1290.00"),
                        D("1750.00"),
                        True,
                    ),
                    ("ENI-75", "Écran numérique interactif 75 pouces", Cat.PROJECTOR, D("2390.00"), D("3190.00"), True),
                ],
            ),
            (
                3,
                "Robots, web TV et web radio",
                D("600000"),
                None,
                2,
                [
                    ("ROB-ED", "Robot éducatif programmable (lot de 6)", Cat.ROBOT, D("612.00"), D("780.00"), True),
                    ("MIC-USB", "Micro USB studio pour web radio", Cat.AUDIO, D("89.00"), D("129.00"), True),
                    ("KIT-WTV", "Kit web TV (caméra, mélangeur, trépied)", Cat.WEBTV, D("1450.00"), D("1890.00"), True),
                ],
            ),
        ],
    ),
    (
        "DEMO-2025-02",
        "Mobilier de classe numérique",
        "39160000-1",
        Procedure.ADAPTED,
        datetime.date(2025, 2, 10),
        datetime.date(2025, 3, 1),
        36,
        [
            (
                1,
                "Mobilier modulable",
                D("450000"),
                None,
                3,
                [
                    ("TAB-MOD", "Table modulable trapèze", Cat.FURNITURE, D("176.00"), D("240.00"), False),
                    ("CHA-ERG", "Chaise ergonomique élève", Cat.FURNITURE, D("64.00"), D("89.00"), False),
                ],
            ),
        ],
    ),
    (
        "DEMO-2024-03",
        "Vidéoprotection : caméras et enregistreurs",
        "35125300-2",
        Procedure.OPEN_TENDER,
        datetime.date(2024, 5, 6),
        datetime.date(2024, 6, 1),
        48,
        [
            (
                1,
                "Caméras et enregistreurs",
                D("3000000"),
                D("300000"),
                4,
                [
                    ("CAM-DOME", "Caméra dôme 4K extérieure", Cat.VIDEO_PROTECTION, D("740.00"), D("980.00"), True),
                    ("CAM-PTZ", "Caméra PTZ zoom 30x", Cat.VIDEO_PROTECTION, D("2150.00"), D("2890.00"), True),
                    ("NVR-16", "Enregistreur 16 voies 24 To", Cat.VIDEO_PROTECTION, D("1980.00"), D("2600.00"), True),
                ],
            ),
        ],
    ),
    (
        "DEMO-2025-04",
        "Bornes de recharge pour véhicules électriques",
        "31681500-8",
        Procedure.OPEN_TENDER,
        datetime.date(2025, 4, 14),
        datetime.date(2025, 5, 1),
        48,
        [
            (
                1,
                "Bornes de recharge normale et accélérée",
                D("2000000"),
                None,
                5,
                [
                    ("IRVE-22", "Borne double 2 × 22 kW, OCPP 1.6J", Cat.EV_CHARGER, D("4890.00"), D("6200.00"), True),
                    ("IRVE-50", "Borne rapide 50 kW DC", Cat.EV_CHARGER, D("21500.00"), D("27900.00"), True),
                ],
            ),
        ],
    ),
    (
        "DEMO-2025-05",
        "Services de télécommunications",
        "64200000-8",
        Procedure.OPEN_TENDER,
        datetime.date(2025, 6, 2),
        datetime.date(2025, 7, 1),
        48,
        [
            (
                1,
                "Accès internet très haut débit des sites",
                D("1500000"),
                None,
                6,
                [
                    (
                        "FTTH-PRO",
                        "Accès fibre professionnel 1 Gbit/s (12 mois)",
                        Cat.TELECOM,
                        D("780.00"),
                        D("1080.00"),
                        False,
                    ),
                    (
                        "SIM-DATA",
                        "Forfait données mobiles 50 Go (12 mois)",
                        Cat.TELECOM,
                        D("96.00"),
                        D("180.00"),
                        False,
                    ),
                ],
            ),
        ],
    ),
]
# Offers received at the award of each agreement (published as `offresRecues` in the DECP).
OFFERS_RECEIVED = {"DEMO-2025-01": 7, "DEMO-2025-02": 4, "DEMO-2024-03": 5, "DEMO-2025-04": 3, "DEMO-2025-05": 6}
SUPPLIERS = [
    "Numéria Éducation (fictif)",
    "Projecta Interactive (fictif)",
    "RoboClasse (fictif)",
    "Mobiléa Collectivités (fictif)",
    "VigiSite Sécurité (fictif)",
    "Électropôle Recharge (fictif)",
    "Fibréa Télécom (fictif)",
    "Tabléo Distribution (fictif)",
]
# Members that order, by SIREN → (the agent's local part, approval threshold HT).
ORDERING_AGENTS = {
    "217806462": ("agent.versailles", D("5000")),
    "219200128": ("agent.boulogne", D("3000")),
    "227806460": ("agent.yvelines", D("15000")),
    "219200490": ("gestionnaire.montrouge", None),
    "219200235": ("commandes.clamart", D("4000")),
    "219200268": ("commandes.courbevoie", D("4000")),
    "217804236": ("commandes.montigny", D("6000")),
    "219200409": ("commandes.issy", None),
    "219200482": ("commandes.meudon", D("3000")),
    "219200029": ("commandes.antony", D("3000")),
}
# How many orders end in each status.
STATUS_PLAN = [
    (S.DRAFT, 12),
    (S.SUBMITTED, 14),
    (S.APPROVED, 8),
    (S.VALIDATED, 18),
    (S.SENT, 16),
    (S.PARTIALLY_DELIVERED, 10),
    (S.DELIVERED, 14),
    (S.SERVICE_CERTIFIED, 14),
    (S.INVOICED, 20),
    (S.PAID, 70),
    (S.REJECTED, 8),
    (S.CANCELLED, 8),
]
# How many days ago an order in each final status was placed: work in progress is recent (an invoice still unpaid
# was received weeks ago, not a year ago); closed orders spread over the last eighteen months.
AGE_DAYS = {
    S.DRAFT: (1, 20),
    S.SUBMITTED: (2, 12),
    S.APPROVED: (3, 15),
    S.VALIDATED: (5, 25),
    S.SENT: (8, 40),
    S.PARTIALLY_DELIVERED: (20, 60),
    S.DELIVERED: (25, 70),
    S.SERVICE_CERTIFIED: (30, 75),
    S.INVOICED: (40, 100),
}
CLOSED_AGE_DAYS = (5, 540)
PATH = [S.SUBMITTED, S.VALIDATED, S.SENT, S.DELIVERED, S.SERVICE_CERTIFIED, S.INVOICED, S.PAID]


def fictitious_siret(n: int) -> str:
    """A SIRET that passes the Luhn checks (SIREN and SIRET), prefix 999: never allotted."""
    siren = f"99910{n:03d}"
    siren += luhn.calc_check_digit(siren)
    siret = siren + "0001"  # NIC of the head office, its last digit the SIRET's Luhn key
    return siret + luhn.calc_check_digit(siret)


class Command(BaseCommand):
    help = "Charge la démonstration de la centrale d'achat (accords-cadres, catalogue, commandes) ; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        self.rng = random.Random(2026)  # noqa: S311 (demo data, not security)
        self.buyer = User.objects.get(email=f"acheteur@{DEMO_EMAIL_DOMAIN}")
        # Members' accounts are the administrator's to create and attach.
        self.admin = User.objects.get(email=f"admin@{DEMO_EMAIL_DOMAIN}")
        created = self._agreements()
        count = self._orders() if not Order.objects.exists() else 0
        self.stdout.write(f"Centrale d'achat : {created} accord(s)-cadre(s) créé(s), {count} commande(s) créée(s).")

    # --- agreements -------------------------------------------------------------------------------------------
    @transaction.atomic
    def _agreements(self) -> int:
        suppliers = []
        for index, name in enumerate(SUPPLIERS):
            siret = fictitious_siret(index + 1)
            supplier = _supplier(siret)
            if supplier is None:
                supplier = agreements.supplier_create(
                    acting_user=self.buyer,
                    name=name,
                    siret=siret,
                    address="1 avenue de l'Europe, 78000 Versailles",
                    email=f"commandes@fournisseur{index + 1}.example",
                    iban="FR7630006000011234567890189",
                    contacts=[
                        {
                            "name": "Service commandes",
                            "role": "Administration des ventes",
                            "email": f"adv@fournisseur{index + 1}.example",
                        }
                    ],
                )
            suppliers.append(supplier)
        created = 0
        for reference, subject, cpv, procedure, notified, start, months, lots in AGREEMENTS:
            existing = FrameworkAgreement.objects.filter(reference=reference).first()
            if existing is not None:
                # Demo agreements loaded before the number of offers was recorded get it once.
                if existing.offers_received is None and existing.status != AgreementStatus.ENDED:
                    agreements.agreement_update(
                        agreement=existing, acting_user=self.buyer, offers_received=OFFERS_RECEIVED[reference]
                    )
                continue
            agreement = agreements.agreement_create(
                acting_user=self.buyer,
                reference=reference,
                subject=subject,
                cpv_code=cpv,
                procedure=procedure,
                notification_date=notified,
                start_date=start,
                duration_months=months,
                description="Accord-cadre à bons de commande passé par la centrale d'achat pour ses adhérents.",
                offers_received=OFFERS_RECEIVED[reference],
            )
            for number, title, maximum, minimum, supplier_index, items in lots:
                lot = agreements.lot_create(
                    agreement=agreement,
                    acting_user=self.buyer,
                    number=number,
                    title=title,
                    max_amount_ht=maximum,
                    min_amount_ht=minimum,
                    holders=[
                        suppliers[i]
                        for i in (supplier_index if isinstance(supplier_index, tuple) else [supplier_index])
                    ],
                )
                for ref, label, category, price, list_price, serialized in items:
                    agreements.item_create(
                        lot=lot,
                        acting_user=self.buyer,
                        reference=ref,
                        label=label,
                        category=category,
                        unit_price_ht=price,
                        list_price_ht=list_price,
                        serialized=serialized,
                        unit="unité" if serialized else ("abonnement" if category == Cat.TELECOM else "pièce"),
                    )
            agreements.agreement_activate(agreement=agreement, acting_user=self.buyer)
            created += 1
        return created

    # --- orders -----------------------------------------------------------------------------------------------
    def _ordering_members(self) -> list[tuple[Member, User, User | None]]:
        result = []
        for siren, (local, threshold) in ORDERING_AGENTS.items():
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
            from mutualis.accounts.management.commands.demo_logins import DEMO_PASSWORD

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
        plan = [status for status, count in STATUS_PLAN for _ in range(count)]
        self.rng.shuffle(plan)
        # Orders meant to stay validated come last: consolidation sends every validated order of a lot.
        plan.sort(key=lambda status: status == S.VALIDATED)
        today = timezone.localdate()
        count = 0
        for target in plan:
            member, agent, manager = self.rng.choice(buyers)
            lot = self.rng.choice(lots)
            # Within the agreement's life: nobody orders under an agreement before it starts.
            age = self.rng.randint(*AGE_DAYS.get(target, CLOSED_AGE_DAYS))
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
