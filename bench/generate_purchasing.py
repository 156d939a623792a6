"""A realistic purchasing dataset bulk-created in a (scratch) database, for the benches — not through the services.

Import after django.setup():

    from bench.generate_purchasing import Generator
    gen = Generator(seed=1)
    gen.reference_data()          # members of every commune of the territory, agreements, lots, items, users
    gen.add_lines(100_000)        # orders with 1–7 lines each until 100 000 order lines exist; call again to grow
    gen.update_lot_consumption()  # lots' consumed amounts = their validated-onwards orders, maximums above them

Orders spread over 2023–2026 and every status; a few large members order much more than the others (Zipf-like),
as real members do. Rows go in with bulk_create in batches inside one transaction per batch.
"""

import datetime
import itertools
import random
import time
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from mutualis.members.choices import Competence, MemberKind, MemberRole, MemberStatus
from mutualis.members.models import CompetenceTransfer, Member, Membership
from mutualis.purchasing.choices import CONSUMING_STATUSES, AgreementStatus, ItemCategory, OrderStatus, Procedure
from mutualis.purchasing.models import (
    CatalogueItem,
    FrameworkAgreement,
    ItemPrice,
    Lot,
    LotHolder,
    Order,
    OrderLine,
    Supplier,
)
from mutualis.territory.models import Commune

BATCH = 5000
CENT = Decimal("0.01")
# (reference, subject, CPV, category, [(lot title, [(label, unit price HT)])])
AGREEMENTS = [
    (
        "AC-2023-001",
        "Tablettes et ordinateurs portables",
        "30213200-7",
        ItemCategory.TABLET,
        [
            ("Tablettes", [("Tablette 10 pouces", 289), ("Tablette 12 pouces", 459), ("Coque renforcée", 29)]),
            (
                "Ordinateurs portables",
                [("Portable 14 pouces", 689), ("Portable 15 pouces", 749), ("Station d'accueil", 129)],
            ),
        ],
    ),
    (
        "AC-2023-002",
        "Vidéoprojecteurs et écrans interactifs",
        "38652100-1",
        ItemCategory.PROJECTOR,
        [
            ("Vidéoprojecteurs", [("Vidéoprojecteur interactif", 1290), ("Support mural", 149)]),
            ("Écrans interactifs", [("Écran 75 pouces", 2890), ("Écran 86 pouces", 3690)]),
        ],
    ),
    (
        "AC-2024-003",
        "Robots et programmation",
        "39162110-9",
        ItemCategory.ROBOT,
        [("Robots", [("Robot de sol", 89), ("Robot humanoïde", 1490), ("Kit de cartes programmables", 39)])],
    ),
    (
        "AC-2024-004",
        "Vidéoprotection",
        "35125300-2",
        ItemCategory.VIDEO_PROTECTION,
        [
            ("Caméras", [("Caméra dôme 4K", 690), ("Caméra bullet", 540)]),
            ("Enregistreurs", [("Enregistreur 16 voies", 1890)]),
        ],
    ),
    (
        "AC-2024-005",
        "Bornes de recharge",
        "31158100-9",
        ItemCategory.EV_CHARGER,
        [("Bornes", [("Borne 22 kW double", 4890), ("Borne 7 kW murale", 1190)])],
    ),
    (
        "AC-2025-006",
        "Mobilier de classe numérique",
        "39160000-1",
        ItemCategory.FURNITURE,
        [("Mobilier", [("Table modulable", 189), ("Chaise", 59), ("Chariot de recharge", 990)])],
    ),
    (
        "AC-2025-007",
        "Télécommunications",
        "64200000-8",
        ItemCategory.TELECOM,
        [("Téléphonie mobile", [("Forfait mobile 12 mois", 96)]), ("Accès internet", [("Lien fibre 12 mois", 1380)])],
    ),
    (
        "AC-2025-008",
        "Micros et web radio",
        "32342400-6",
        ItemCategory.AUDIO,
        [("Audio", [("Micro USB", 79), ("Kit web radio", 1290), ("Casque", 35)])],
    ),
]
# Status of an order, with its weight in the dataset.
STATUS_WEIGHTS = {
    OrderStatus.DRAFT: 5,
    OrderStatus.SUBMITTED: 4,
    OrderStatus.APPROVED: 3,
    OrderStatus.VALIDATED: 8,
    OrderStatus.SENT: 8,
    OrderStatus.PARTIALLY_DELIVERED: 5,
    OrderStatus.DELIVERED: 12,
    OrderStatus.SERVICE_CERTIFIED: 10,
    OrderStatus.INVOICED: 10,
    OrderStatus.PAID: 30,
    OrderStatus.REJECTED: 3,
    OrderStatus.CANCELLED: 2,
}
FIRST_DAY = datetime.date(2023, 1, 1)
LAST_DAY = datetime.date(2026, 10, 31)


def supplier_siret(n: int) -> str:
    """A valid fictitious SIRET (Luhn keys) for supplier n."""
    from stdnum import luhn

    siren = f"77{n:06d}"
    siren += luhn.calc_check_digit(siren)
    return siren + "0001" + luhn.calc_check_digit(siren + "0001")


class Generator:
    """Builds the reference data once, then grows the orders by batches of lines."""

    def __init__(self, seed: int = 1, progress: bool = True) -> None:
        self.random = random.Random(seed)
        self.progress = progress
        self.lines = 0
        self.orders = 0
        self.members: list[int] = []
        self.member_weights: list[float] = []
        self.items: list[tuple[int, int, int, Decimal, Decimal | None]] = []  # item, lot, supplier, price, list
        self.items_by_lot: dict[int, list[tuple[int, int, int, Decimal, Decimal | None]]] = {}

    def log(self, message: str) -> None:
        if self.progress:
            print(message, flush=True)

    def reference_data(self) -> dict[str, Any]:
        """Members (every commune of the territory and its département councils), agreements, lots, items, and two
        users: the manager of the largest buyer and an operator administrator."""
        if connection.vendor == "sqlite":
            # A scratch database: durability does not matter, speed does.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous = OFF")
        # Largest communes first: they order the most (see member_weights).
        communes = list(Commune.objects.select_related("departement").order_by("-population", "insee_code"))
        members = [
            Member(
                name=f"Commune de {commune.name}",
                kind=MemberKind.COMMUNE,
                siren=commune.siren,
                departement=commune.departement,
                intercommunality_id=commune.ept_id or commune.epci_id,
                status=MemberStatus.ACTIVE,
            )
            for commune in communes
        ]
        # The département councils buy for their collèges: the largest buyers, first.
        councils = [
            Member(
                name=f"Département {departement.name}",
                kind=MemberKind.DEPARTEMENT,
                siren=departement.siren,
                departement=departement,
                status=MemberStatus.ACTIVE,
            )
            for departement in sorted({commune.departement for commune in communes}, key=lambda d: d.code)
        ]
        members = councils + members
        Member.objects.bulk_create(members, batch_size=BATCH)
        members = list(Member.objects.order_by("pk"))  # in creation order: councils, then by population
        CompetenceTransfer.objects.bulk_create(
            CompetenceTransfer(
                member=member, competence=Competence.CENTRAL_PURCHASING, start_date=datetime.date(2022, 1, 1)
            )
            for member in members
        )
        self.members = [member.pk for member in members]
        # Zipf-like: the n-th member orders about 1/n^0.8 as much as the first (cumulative weights: fast draws).
        self.member_weights = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(members))))
        self._agreements()
        User = get_user_model()
        buyer = User.objects.create_user(email="acheteur@bench.example.fr", password="bench-password")
        Membership.objects.create(user=buyer, member_id=self.members[0], role=MemberRole.MANAGER)
        staff = User.objects.create_user(
            email="admin@bench.example.fr", password="bench-password", staff_role="administrator"
        )
        self.log(f"reference data: {len(members)} members, {len(self.items)} catalogue items")
        return {"buyer": buyer, "staff": staff, "member": Member.objects.get(pk=self.members[0])}

    def _agreements(self) -> None:
        supplier_n = 0
        for reference, subject, cpv, category, lots in AGREEMENTS:
            start = datetime.date(int(reference[3:7]), 1, 1)
            agreement = FrameworkAgreement.objects.create(
                reference=reference,
                subject=subject,
                cpv_code=cpv,
                procedure=Procedure.OPEN_TENDER,
                notification_date=start - datetime.timedelta(days=20),
                start_date=start,
                duration_months=48,
                status=AgreementStatus.ACTIVE,
            )
            for number, (title, items) in enumerate(lots, start=1):
                supplier_n += 1
                supplier = Supplier.objects.create(name=f"Titulaire {supplier_n} SAS", siret=supplier_siret(supplier_n))
                lot = Lot.objects.create(
                    agreement=agreement,
                    number=number,
                    title=title,
                    max_amount_ht=Decimal("1000000"),
                    min_amount_ht=Decimal("50000") if number == 1 else None,
                )
                LotHolder.objects.create(lot=lot, supplier=supplier, rank=1)
                for index, (label, price) in enumerate(items, start=1):
                    unit = Decimal(price)
                    listed = (unit * Decimal("1.28")).quantize(CENT) if index % 4 else None
                    item = CatalogueItem.objects.create(
                        lot=lot,
                        reference=f"{reference[-3:]}-{number}-{index:02d}",
                        label=label,
                        category=category,
                        list_price_ht=listed,
                    )
                    ItemPrice.objects.create(item=item, unit_price_ht=unit, effective_from=start)
                    row = (item.pk, lot.pk, supplier.pk, unit, listed)
                    self.items.append(row)
                    self.items_by_lot.setdefault(lot.pk, []).append(row)

    def add_lines(self, target: int) -> None:
        """Create orders (1–7 lines each) until the database holds `target` order lines."""
        started = time.perf_counter()
        statuses, weights = list(STATUS_WEIGHTS), list(itertools.accumulate(STATUS_WEIGHTS.values()))
        first = self.lines
        lots = list(self.items_by_lot)
        span = (LAST_DAY - FIRST_DAY).days
        tz = timezone.get_current_timezone()
        while self.lines < target:
            orders, pending_lines, batch_lines = [], [], 0
            while batch_lines < BATCH and self.lines + batch_lines < target:
                self.orders += 1
                lot = self.random.choice(lots)
                items = self.items_by_lot[lot]
                status = self.random.choices(statuses, cum_weights=weights)[0]
                day = FIRST_DAY + datetime.timedelta(days=self.random.randrange(span))
                moment = datetime.datetime.combine(day, datetime.time(10), tzinfo=tz)
                count = min(self.random.randint(1, 7), target - self.lines - batch_lines)
                batch_lines += count
                lines = []
                for _ in range(count):
                    item_id, _lot, supplier_id, unit, listed = self.random.choice(items)
                    lines.append((item_id, self.random.choice((1, 1, 2, 3, 5, 10, 30)), unit, listed))
                total = sum((unit * quantity for _, quantity, unit, _ in lines), Decimal("0"))
                listed_total = sum(((listed or unit) * quantity for _, quantity, unit, listed in lines), Decimal("0"))
                consuming = status in CONSUMING_STATUSES
                orders.append(
                    Order(
                        number=f"BC-{day.year}-{self.orders:07d}",
                        member_id=self.random.choices(self.members, cum_weights=self.member_weights)[0],
                        lot_id=lot,
                        supplier_id=supplier_id,
                        status=status,
                        ej_number=f"EJ{self.orders:08d}",
                        total_ht=total,
                        total_vat=(total * Decimal("0.2")).quantize(CENT),
                        total_ttc=(total * Decimal("1.2")).quantize(CENT),
                        list_total_ht=listed_total,
                        submitted_at=moment if status != OrderStatus.DRAFT else None,
                        validated_at=moment + datetime.timedelta(days=3) if consuming else None,
                    )
                )
                pending_lines.append(lines)
            with transaction.atomic():
                Order.objects.bulk_create(orders, batch_size=BATCH)
                OrderLine.objects.bulk_create(
                    (
                        OrderLine(
                            order_id=order.pk,
                            item_id=item_id,
                            quantity=quantity,
                            unit_price_ht=unit,
                            vat_rate=Decimal("20.00"),
                            list_price_ht=listed,
                        )
                        for order, lines in zip(orders, pending_lines, strict=True)
                        for item_id, quantity, unit, listed in lines
                    ),
                    batch_size=BATCH,
                )
            self.lines += batch_lines
            if self.lines % 50_000 < BATCH or self.lines >= target:
                rate = (self.lines - first) / max(time.perf_counter() - started, 1e-9)
                self.log(f"  {self.lines:>9,} order lines, {self.orders:>8,} orders ({rate:,.0f} lines/s)")

    def update_lot_consumption(self) -> None:
        """Each lot's consumed amount = its validated-onwards orders; its maximum set above, so that lots sit
        between 50 % and 99 % of their maximum (some past the 80 % and 95 % alerts)."""
        consumed = dict(
            Order.objects.filter(status__in=CONSUMING_STATUSES)
            .order_by()
            .values("lot_id")
            .annotate(total=Sum("total_ht"))
            .values_list("lot_id", "total")
        )
        for lot in Lot.objects.all():
            total = Decimal(consumed.get(lot.pk) or 0).quantize(CENT)
            share = Decimal(self.random.choice(("0.5", "0.7", "0.82", "0.9", "0.96", "0.99")))
            lot.consumed_amount_ht = total
            lot.max_amount_ht = max((total / share).quantize(CENT), Decimal("1000"))
            lot.save(update_fields=["consumed_amount_ht", "max_amount_ht"])
