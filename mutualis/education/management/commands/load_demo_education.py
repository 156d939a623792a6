"""`manage.py load_demo_education`: the education demo (see education.demo), through the services; idempotent
(nothing is added once the demo's first collège exists). Run by `load_demo` after the members' demo.

The referent account to try assigning licences and applying to Robotyc is gestionnaire.college@demo.mutualis.fr
(referent of the Collège Les Tilleuls); the education officer is education@demo.mutualis.fr.
"""

import contextlib
import datetime
import hashlib
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mutualis.accounts.models import User
from mutualis.accounts.services import DEMO_EMAIL_DOMAIN
from mutualis.assets.services import asset_create
from mutualis.core.context import audit_context, current_audit_context
from mutualis.core.services import notification_emails_suppressed
from mutualis.education import demo
from mutualis.education.models import Establishment
from mutualis.education.rules import uai_key
from mutualis.education.services import establishments, loans, projects, resources
from mutualis.education.services.resources import ORDER_REFUSED
from mutualis.members.choices import MemberKind
from mutualis.members.models import Member, Site
from mutualis.purchasing.models import Order
from mutualis.territory.models import Commune


def _uai(number: str) -> str:
    return number + uai_key(number)


def pseudonym(*parts: Any) -> str:
    """A stable opaque identifier, as an ENT gives one (never a name)."""
    return "ELV-" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:10]


def school_year(today: datetime.date) -> tuple[datetime.date, datetime.date, str]:
    """The school year holding `today`: 1 September to 31 August."""
    start = today.year if today.month >= 9 else today.year - 1
    return datetime.date(start, 9, 1), datetime.date(start + 1, 8, 31), f"{start}-{start + 1}"


class Command(BaseCommand):
    help = "Charge les données de démonstration du numérique éducatif ; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        # Within load_demo the entries share its audit context; run alone, the command opens its own.
        context = (
            contextlib.nullcontext()
            if current_audit_context().origin
            else audit_context(origin="command:load_demo_education", user_agent="manage.py load_demo_education")
        )
        with context, notification_emails_suppressed():
            self._load()

    def _load(self) -> None:
        if Establishment.objects.filter(uai=_uai(demo.COLLEGES[0][0])).exists():
            self.stdout.write("Éducation : la démonstration existe déjà, rien n'est ajouté.")
            return
        self.officer = User.objects.filter(email=f"education@{DEMO_EMAIL_DOMAIN}").first()
        self.departements = {
            m.departement.code: m
            for m in Member.objects.filter(kind=MemberKind.DEPARTEMENT).select_related("departement")
        }
        if self.officer is None or set(self.departements) != {"78", "92"}:
            self.stdout.write("Éducation : chargez d'abord les adhérents de démonstration (load_demo).")
            return
        self.today = timezone.localdate()
        self.year_start, self.year_end, self.year = school_year(self.today)
        with transaction.atomic():
            colleges, schools = self._establishments()
            self._resources(colleges, schools)
            devices = self._devices()
            self._loans(colleges, devices)
            self._projects(colleges, devices)
        self.stdout.write(
            f"Éducation : {len(colleges)} collèges, {len(schools)} écoles, 3 ressources, 4 projets, prêts et campagne."
        )

    def _establishments(self) -> tuple[list[Establishment], list[Establishment]]:
        colleges = []
        for number, name, insee, pupils, classes, disabled in demo.COLLEGES:
            commune = Commune.objects.get(insee_code=insee)
            colleges.append(
                establishments.establishment_create(
                    acting_user=self.officer,
                    uai=_uai(number),
                    name=name,
                    kind="college",
                    commune=commune,
                    member=self.departements[insee[:2]],
                    pupils=pupils,
                    classes=classes,
                    pupils_with_disability=disabled,
                )
            )
        schools = []
        for number, name, insee, pupils, classes in demo.SCHOOLS:
            commune = Commune.objects.get(insee_code=insee)
            owner = Member.objects.filter(kind=MemberKind.COMMUNE, communes=commune).first()
            if owner is None:
                continue
            site = Site.objects.filter(member=owner, kind="school").first()
            schools.append(
                establishments.establishment_create(
                    acting_user=self.officer,
                    uai=_uai(number),
                    name=name,
                    kind="ecole",
                    commune=commune,
                    member=owner,
                    site=site,
                    pupils=pupils,
                    classes=classes,
                )
            )
        referent = User.objects.filter(email=f"gestionnaire.college@{DEMO_EMAIL_DOMAIN}").first()
        if referent is not None:
            establishments.referent_add(establishment=colleges[0], user=referent, acting_user=self.officer)
        return colleges, schools

    def _resources(self, colleges: list[Establishment], schools: list[Establishment]) -> None:
        catalogue = [
            resources.resource_create(acting_user=self.officer, publisher=p, title=t, description=d, audience=a)
            for p, t, d, a in demo.RESOURCES
        ]
        enseigno, playbac, madmagz = catalogue
        period = {"starts_on": self.year_start, "ends_on": self.year_end, "acting_user": self.officer}
        for index, college in enumerate(colleges):
            order = Order.objects.filter(member=college.member).exclude(status__in=ORDER_REFUSED).order_by("pk").first()
            paid = resources.subscription_create(
                establishment=college, resource=enseigno, licences=college.pupils, order=order, **period
            )
            press = resources.subscription_create(
                establishment=college, resource=playbac, licences=college.pupils // 2, **period
            )
            magazine = resources.subscription_create(establishment=college, resource=madmagz, licences=60, **period)
            groups = ["3A", "3B", "4A", "4B", "5A"][: 2 + index % 4]
            for group in groups:
                resources.assignment_create(
                    subscription=paid, target="class_group", class_group=group, licences=25, acting_user=self.officer
                )
            for group in groups[:2]:
                resources.assignment_create(
                    subscription=press, target="class_group", class_group=group, licences=26, acting_user=self.officer
                )
            resources.assignment_create(
                subscription=magazine, target="class_group", class_group="4C", licences=28, acting_user=self.officer
            )
            for n in range(1 + index % 3):
                resources.assignment_create(
                    subscription=paid, target="teacher", pseudonym=f"ENS-{college.uai}-{n}", acting_user=self.officer
                )
                resources.assignment_create(
                    subscription=press,
                    target="pupil",
                    pseudonym=pseudonym(college.uai, "press", n),
                    acting_user=self.officer,
                )
        for school in schools:
            press = resources.subscription_create(establishment=school, resource=playbac, licences=100, **period)
            resources.assignment_create(
                subscription=press, target="class_group", class_group="CM2", licences=27, acting_user=self.officer
            )

    def _devices(self) -> dict[tuple[str, str], list[Any]]:
        devices: dict[tuple[str, str], list[Any]] = {}
        for dep, kind, designation, count in demo.DEVICES:
            member = self.departements[dep]
            site = member.sites.order_by("pk").first()
            prefix = "".join(word[0] for word in designation.split()[:3]).upper()
            for n in range(1, count + 1):
                asset = asset_create(
                    member=member,
                    site=site,
                    kind=kind,
                    designation=designation,
                    manufacturer="Démo",
                    reference=prefix,
                    serial_number=f"DEMO-{dep}-{prefix}-{n:03d}",
                    delivered_on=self.year_start,
                    purchase_price_ht=Decimal("320.00") if kind == "tablet" else Decimal("650.00"),
                    warranty_months=36,
                    acting_user=self.officer,
                )
                key = (dep, "telepresence" if "téléprésence" in designation else kind)
                devices.setdefault(key, []).append(asset)
        return devices

    def _lend(self, asset: Any, **kwargs: Any) -> Any:
        return loans.loan_create(asset=asset, acting_user=self.officer, **kwargs)

    def _loans(self, colleges: list[Establishment], devices: dict[tuple[str, str], list[Any]]) -> None:
        yvelines, hauts = self.departements["78"], self.departements["92"]
        programme = loans.inclusion_programme_create(
            member=yvelines,
            school_year=self.year,
            acting_user=self.officer,
            title="Un ordinateur pour chaque élève en situation de handicap",
        )
        loans.inclusion_programme_create(
            member=hauts, school_year=self.year, acting_user=self.officer, title="Inclusion numérique des collégiens"
        )
        laptops = devices[("78", "laptop")]
        start, due = self.year_start + datetime.timedelta(days=3), self.year_end - datetime.timedelta(days=50)
        plan = [(colleges[0], 5), (colleges[1], 3), (colleges[2], 2)]
        for college, count in plan:
            for n in range(count):
                self._lend(
                    laptops.pop(0),
                    beneficiary_kind="pupil",
                    beneficiary_reference=pseudonym(college.uai, n),
                    establishment=college,
                    starts_on=start,
                    due_on=due,
                    programme=programme,
                    deposit=Decimal("0"),
                    condition_out="new",
                )
        # An overdue laptop, and a tablet lent to a teacher then returned damaged (now in repair).
        overdue_start = max(self.year_start, self.today - datetime.timedelta(days=90))
        self._lend(
            laptops.pop(0),
            beneficiary_kind="pupil",
            beneficiary_reference=pseudonym("retard", 1),
            establishment=colleges[1],
            starts_on=overdue_start,
            due_on=max(overdue_start, self.today - datetime.timedelta(days=12)),
            deposit=Decimal("50.00"),
        )
        tablet = devices[("78", "tablet")][0]
        returned = self._lend(
            tablet,
            beneficiary_kind="teacher",
            beneficiary_reference="Mme Moreau (professeure)",
            establishment=colleges[0],
            starts_on=overdue_start,
            due_on=self.today,
        )
        loans.loan_return(
            loan=returned,
            returned_on=max(overdue_start, self.today - datetime.timedelta(days=5)),
            condition_back="damaged",
            acting_user=self.officer,
            note="Écran fissuré.",
        )
        # A telepresence robot for a pupil who cannot attend class.
        self._lend(
            devices[("92", "telepresence")][0],
            beneficiary_kind="pupil",
            beneficiary_reference=pseudonym("telepresence", 1),
            establishment=colleges[3],
            starts_on=max(self.year_start, self.today - datetime.timedelta(days=20)),
            due_on=self.year_end,
            note="Élève hospitalisé : le robot suit la classe de 4e B.",
        )
        self._campaign(hauts)

    def _campaign(self, hauts: Member) -> None:
        campaign = loans.campaign_create(
            member=hauts,
            title="Continuité pédagogique et lien social — tablettes",
            quantity=8,
            starts_on=self.today - datetime.timedelta(days=7),
            due_on=self.today + datetime.timedelta(days=90),
            acting_user=self.officer,
        )
        seat = hauts.sites.order_by("pk").first()
        ehpad = Member.objects.filter(establishment_type="ehpad", departement__code="92").order_by("pk").first()
        for n in range(5):
            loans.campaign_beneficiary_add(
                campaign=campaign,
                kind="ase_child",
                reference=f"ASE-92-{n + 1:03d}",
                site=seat,
                beneficiary_member=hauts,
                acting_user=self.officer,
            )
        if ehpad is not None and ehpad.sites.exists():
            for n in range(3):
                loans.campaign_beneficiary_add(
                    campaign=campaign,
                    kind="ehpad_resident",
                    reference=f"RES-{n + 1:03d}",
                    site=ehpad.sites.order_by("pk").first(),
                    beneficiary_member=ehpad,
                    acting_user=self.officer,
                )
        loans.campaign_allocate(campaign=campaign, acting_user=self.officer)
        for line in campaign.beneficiaries.filter(loan__isnull=False).order_by("pk")[:4]:
            loans.campaign_deliver(
                line=line, delivered_on=self.today - datetime.timedelta(days=2), acting_user=self.officer
            )

    def _projects(self, colleges: list[Establishment], devices: dict[tuple[str, str], list[Any]]) -> None:
        tilleuls, parc, sablons, seine, monnet, orangerie = colleges
        applications = {
            "Robotyc": [(parc, "3E A", "selected"), (seine, "ULIS", "submitted"), (monnet, "3E SEGPA", "submitted")],
            "Sur les chemins de l'école": [
                (monnet, "UPE2A", "selected"),
                (sablons, "UPE2A", "selected"),
                (orangerie, "UPE2A", "rejected"),
            ],
            "Défi'Bot": [(tilleuls, "4E B", "selected"), (seine, "3E C", "selected"), (orangerie, "4E A", "submitted")],
            "Imagine ton collège": [(parc, "5E B", "selected"), (monnet, "4E D", "submitted")],
        }
        for title, theme, description, classes, capacity, kit, kit_kind, open_now in demo.PROJECTS:
            opens = self.today - datetime.timedelta(days=30) if open_now else self.year_start
            closes = (
                self.today + datetime.timedelta(days=30) if open_now else self.year_start + datetime.timedelta(days=45)
            )
            call = projects.call_create(
                acting_user=self.officer,
                school_year=self.year,
                title=title,
                theme=theme,
                description=description,
                eligible_classes=classes,
                capacity=capacity,
                opens_on=opens,
                closes_on=max(closes, opens),
                starts_on=max(closes, opens) + datetime.timedelta(days=1),
                ends_on=self.year_end,
                kit_description=kit,
                kit_kind=kit_kind,
            )
            for college, class_name, status in applications[title]:
                application = projects.application_submit(
                    call=call,
                    establishment=college,
                    class_name=class_name,
                    teacher_name="Enseignant·e du projet",
                    motivation="Une classe volontaire ; le projet rejoint notre projet d'établissement.",
                    acting_user=self.officer,
                    today=opens,
                )
                if status != "submitted":
                    projects.application_decide(
                        application=application,
                        to_status=status,
                        acting_user=self.officer,
                        note="" if status == "selected" else "Places déjà attribuées.",
                    )
                dep = college.commune.departement.code
                stock = devices.get((dep, kit_kind), [])
                if status == "selected" and kit_kind == "robot" and stock:
                    projects.application_kit_loan(
                        application=application,
                        asset=stock.pop(),
                        acting_user=self.officer,
                        starts_on=max(self.today, call.starts_on),
                    )
