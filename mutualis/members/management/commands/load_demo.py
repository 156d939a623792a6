"""`manage.py load_demo`: the demo members, sites and accounts, through the services; idempotent.

Real public bodies keep their real SIREN (the two départements, 40 communes, the EPCI/EPT, from the territory
data). Their SIRET (the SIREN and the NIC of the town hall or seat) is PLAUSIBLE, NOT REAL: the real NICs are not in
our data, so each gets the first NIC « 0001x » that makes a valid SIRET (Luhn), as INSEE numbers a body's first
establishment. The collèges and EHPAD are FICTITIOUS: invented names, with SIRENs that merely pass the Luhn check
(prefix 999, never allotted by INSEE to a public body), SIRETs made the same way and UAI codes with a valid key.

Every demo account has an e-mail @demo.mutualis.fr and the password "demo-mutualis-2026"; staff accounts carry
the published demo TOTP secret (`manage.py totp_code <email>` prints the current code).
"""

import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management import call_command, get_commands
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from mutualis.accounts.management.commands.demo_logins import DEMO_PASSWORD
from mutualis.accounts.models import User
from mutualis.accounts.services import DEMO_EMAIL_DOMAIN, totp_device_set_demo, user_create
from mutualis.core.management.base import AuditedCommand
from mutualis.core.services import notification_emails_suppressed
from mutualis.members import services
from mutualis.members.choices import Competence as C
from mutualis.members.choices import MemberKind, MemberRole, MemberStatus, SiteKind
from mutualis.members.models import AdhesionRequest, Member, Membership
from mutualis.members.validators import UAI_LETTERS
from mutualis.territory.models import Commune, Departement, Intercommunality
from mutualis.territory.names import commune_of

# Other apps' demo commands, run after this one when they exist.
DEMO_STEPS = [
    "load_demo_contributions",
    "load_demo_purchasing",
    "load_demo_fibre",
    "load_demo_proconnect",
    "load_demo_education",
    "load_demo_supervision",
    "load_demo_supervision_evidence",
    "load_demo_supervision_masking",
    "load_demo_supervision_onvif",
    "load_demo_charging",
    # Last: the open data catalogue is generated from what the other steps loaded.
    "load_demo_opendata",
]

A, R, P, W, X = (
    MemberStatus.ACTIVE,
    MemberStatus.REQUESTED,
    MemberStatus.APPROVED,
    MemberStatus.WITHDRAWN,
    MemberStatus.REJECTED,
)
# INSEE code → final status and competences transferred (every active member also uses the central purchasing).
COMMUNES = {
    "92012": (A, [C.VIDEO_PROTECTION, C.EV_CHARGING, C.DATA_SMART_CITY]),  # Boulogne-Billancourt
    "92040": (A, [C.EV_CHARGING, C.DATA_SMART_CITY]),  # Issy-les-Moulineaux
    "92048": (A, [C.VIDEO_PROTECTION]),  # Meudon
    "92072": (A, [C.EV_CHARGING]),  # Sèvres
    "92022": (A, []),  # Chaville
    "92075": (A, [C.VIDEO_PROTECTION]),  # Vanves
    "92077": (A, []),  # Ville-d'Avray
    "92047": (W, [C.VIDEO_PROTECTION]),  # Marnes-la-Coquette
    "92049": (A, [C.VIDEO_PROTECTION, C.EV_CHARGING]),  # Montrouge
    "92023": (A, [C.EV_CHARGING, C.BROADBAND]),  # Clamart
    "92002": (A, [C.VIDEO_PROTECTION]),  # Antony
    "92007": (R, []),  # Bagneux
    "92046": (A, [C.DATA_SMART_CITY]),  # Malakoff
    "92071": (P, []),  # Sceaux
    "92020": (A, [C.EV_CHARGING]),  # Châtillon
    "92026": (A, [C.VIDEO_PROTECTION, C.DATA_SMART_CITY]),  # Courbevoie
    "92050": (A, [C.EV_CHARGING]),  # Nanterre
    "92062": (A, [C.VIDEO_PROTECTION]),  # Puteaux
    "92063": (A, [C.EV_CHARGING, C.VIDEO_PROTECTION]),  # Rueil-Malmaison
    "92073": (A, []),  # Suresnes
    "92064": (R, []),  # Saint-Cloud
    "78646": (A, [C.VIDEO_PROTECTION, C.EV_CHARGING, C.DATA_SMART_CITY]),  # Versailles
    "78158": (A, [C.VIDEO_PROTECTION]),  # Le Chesnay-Rocquencourt
    "78686": (A, [C.EV_CHARGING]),  # Viroflay
    "78640": (A, [C.VIDEO_PROTECTION, C.BROADBAND]),  # Vélizy-Villacoublay
    "78117": (A, []),  # Buc
    "78322": (P, []),  # Jouy-en-Josas
    "78126": (A, [C.EV_CHARGING]),  # La Celle-Saint-Cloud
    "78073": (A, [C.BROADBAND]),  # Bois-d'Arcy
    "78545": (A, [C.VIDEO_PROTECTION]),  # Saint-Cyr-l'École
    "78423": (A, [C.VIDEO_PROTECTION, C.EV_CHARGING, C.BROADBAND]),  # Montigny-le-Bretonneux
    "78297": (A, [C.EV_CHARGING]),  # Guyancourt
    "78621": (P, []),  # Trappes
    "78208": (A, [C.VIDEO_PROTECTION]),  # Élancourt
    "78490": (A, [C.BROADBAND]),  # Plaisir
    "78688": (A, []),  # Voisins-le-Bretonneux
    "78383": (W, [C.EV_CHARGING]),  # Maurepas
    "78517": (X, []),  # Rambouillet
    "78551": (A, [C.VIDEO_PROTECTION, C.DATA_SMART_CITY]),  # Saint-Germain-en-Laye
    "78498": (R, []),  # Poissy
}
DEPARTEMENTS = {
    "78": ("Département des Yvelines", A, [C.DIGITAL_EDUCATION, C.BROADBAND, C.DATA_SMART_CITY]),
    "92": ("Département des Hauts-de-Seine", A, [C.DIGITAL_EDUCATION, C.BROADBAND, C.VIDEO_PROTECTION]),
}
# EPCI/EPT SIREN → département, status, competences.
INTERCOMMUNALITIES = {
    "247800584": ("78", A, [C.EV_CHARGING, C.BROADBAND]),  # CA Versailles Grand Parc
    "200058782": ("78", A, [C.EV_CHARGING, C.DATA_SMART_CITY]),  # CA de Saint-Quentin-en-Yvelines
    "200057974": ("92", A, [C.DATA_SMART_CITY]),  # EPT Grand Paris Seine Ouest
    "200057966": ("92", R, []),  # EPT Vallée Sud - Grand Paris
}
# Fictitious establishments: (SIREN base, name, type, commune INSEE code, UAI number or "", status, competences).
ESTABLISHMENTS = [
    ("99978001", "Collège Les Tilleuls (fictif)", "college", "78646", "0781901", A, [C.DIGITAL_EDUCATION]),
    ("99978002", "Collège du Parc (fictif)", "college", "78423", "0781902", A, [C.DIGITAL_EDUCATION]),
    ("99992001", "Collège Seine-et-Forêt (fictif)", "college", "92012", "0921901", R, []),
    ("99992002", "EHPAD Les Glycines (fictif)", "ehpad", "92049", "", A, [C.VIDEO_PROTECTION]),
    ("99978003", "EHPAD Résidence du Lac (fictif)", "ehpad", "78423", "", A, []),
]
SITE_KINDS = [
    (SiteKind.TOWN_HALL, "Hôtel de ville"),
    (SiteKind.TECHNICAL, "Centre technique municipal"),
    (SiteKind.CAR_PARK, "Parking du centre"),
    (SiteKind.SCHOOL, "Groupe scolaire Jules-Ferry"),
]
STAFF = [
    ("admin", "administrator", "Alice", "Martin"),
    ("acheteur", "purchasing_officer", "Bruno", "Petit"),
    ("education", "education_officer", "Chloé", "Bernard"),
    ("supervision", "supervision_operator", "David", "Robert"),
    ("reseaux", "network_officer", "Emma", "Richard"),
]
# (e-mail local part, first name, last name, [(member SIREN, role)]).
MEMBER_USERS = [
    ("gestionnaire.versailles", "Françoise", "Durand", [("217806462", MemberRole.MANAGER)]),
    ("agent.versailles", "Hugo", "Lefebvre", [("217806462", MemberRole.AGENT)]),
    ("lecteur.versailles", "Inès", "Moreau", [("217806462", MemberRole.READER)]),
    ("gestionnaire.boulogne", "Julien", "Laurent", [("219200128", MemberRole.MANAGER)]),
    ("agent.boulogne", "Karima", "Simon", [("219200128", MemberRole.AGENT)]),
    ("lecteur.boulogne", "Louis", "Michel", [("219200128", MemberRole.READER)]),
    ("gestionnaire.yvelines", "Manon", "Garcia", [("227806460", MemberRole.MANAGER)]),
    ("agent.yvelines", "Nicolas", "David", [("227806460", MemberRole.AGENT)]),
    ("gestionnaire.montrouge", "Océane", "Bertrand", [("219200490", MemberRole.MANAGER)]),
    ("gestionnaire.college", "Paul", "Roux", [("999780018", MemberRole.MANAGER)]),  # Collège Les Tilleuls
    (
        "gestionnaire.gpso",
        "Rachida",
        "Vincent",
        [("200057974", MemberRole.MANAGER), ("219200128", MemberRole.READER)],
    ),
]
ADHESION_DATE = datetime.date(2023, 1, 1)


def _siren(base: str) -> str:
    return base + luhn.calc_check_digit(base)


def _siret(siren: str) -> str:
    """A plausible SIRET of the body's head office: the first NIC 00010…00019 that passes the Luhn check (INSEE
    gives the first establishment the number 0001 and a key digit)."""
    return next(siren + nic for nic in (f"0001{key}" for key in range(10)) if stdnum_siret.is_valid(siren + nic))


def _uai(number: str) -> str:
    return number + UAI_LETTERS[int(number) % 23] if number else ""


def _offset(index: int) -> tuple[float, float]:
    # Spread a member's sites a few hundred metres around the commune centroid, the same way on every run.
    steps = [(0.0, 0.0), (0.004, -0.003), (-0.003, 0.005), (0.002, 0.006)]
    return steps[index % len(steps)]


class Command(AuditedCommand):
    help = "Charge les données de démonstration (adhérents, sites, comptes) ; idempotent."

    def handle(self, *args: object, **options: object) -> None:
        # The demo's notifications are history, not news: they show on the platform but are not e-mailed.
        with notification_emails_suppressed():
            self._load()
        call_command("demo_logins", stdout=self.stdout)

    def _load(self) -> None:
        if not Commune.objects.exists():
            call_command("load_territory", stdout=self.stdout)
        self.admin = self._staff_accounts()
        created = self._departements() + self._intercommunalities() + self._communes() + self._establishments()
        users = self._member_accounts()
        self.stdout.write(f"Démonstration : {created} adhérent(s) et {users} compte(s) créés.")
        commands = get_commands()
        for step in DEMO_STEPS:
            if step in commands:
                call_command(step, stdout=self.stdout)

    def _departements(self) -> int:
        created = 0
        for code, (name, status, competences) in DEPARTEMENTS.items():
            dep = Departement.objects.get(code=code)
            identity = {
                "name": name,
                "kind": MemberKind.DEPARTEMENT,
                "siren": dep.siren,
                "siret": _siret(dep.siren),
                "departement": dep,
            }
            created += self._member(identity, status, competences, self._departement_sites(dep))
        return created

    def _intercommunalities(self) -> int:
        created = 0
        for siren, (dep_code, status, competences) in INTERCOMMUNALITIES.items():
            epci = Intercommunality.objects.get(siren=siren)
            dep = Departement.objects.get(code=dep_code)
            seat = Commune.objects.filter(Q(epci=epci) | Q(ept=epci), departement=dep).order_by("-population").first()
            identity = {
                "name": epci.name,
                "kind": MemberKind.INTERCOMMUNALITY,
                "siren": siren,
                "siret": _siret(siren),
                "departement": dep,
                "intercommunality": epci,
            }
            sites = [
                (SiteKind.ADMINISTRATIVE, f"Siège de {epci.name}", seat),
                (SiteKind.TECHNICAL, "Centre technique intercommunal", seat),
            ]
            created += self._member(identity, status, competences, sites)
        return created

    def _communes(self) -> int:
        created = 0
        for insee_code, (status, competences) in COMMUNES.items():
            commune = Commune.objects.get(insee_code=insee_code)
            count = 2 + int(insee_code) % 3
            identity = {
                "name": commune_of(commune.name),
                "kind": MemberKind.COMMUNE,
                "siren": commune.siren,
                "siret": _siret(commune.siren),
                "departement": commune.departement,
                "communes": [commune],
            }
            sites = [(kind, f"{label} — {commune.name}", commune) for kind, label in SITE_KINDS[:count]]
            created += self._member(identity, status, competences, sites)
        return created

    def _establishments(self) -> int:
        created = 0
        for base, name, etype, insee_code, uai, status, competences in ESTABLISHMENTS:
            commune = Commune.objects.get(insee_code=insee_code)
            siren = _siren(base)
            identity = {
                "name": name,
                "kind": MemberKind.PUBLIC_ESTABLISHMENT,
                "establishment_type": etype,
                "siren": siren,
                "siret": _siret(siren),
                "uai": _uai(uai),
                "departement": commune.departement,
                "communes": [commune],
            }
            college = etype == "college"
            sites = [
                (SiteKind.COLLEGE if college else SiteKind.EHPAD, "Bâtiment principal", commune),
                (SiteKind.SPORTS if college else SiteKind.OTHER, "Annexe", commune),
            ]
            created += self._member(identity, status, competences, sites)
        return created

    def _set_demo_password(self, user: User) -> None:
        # Hashing is slow on purpose (~0.3 s): hash the published demo password once and give every account the
        # same hash, so that the demo loads in a few seconds.
        if not hasattr(self, "_demo_hash"):
            self._demo_hash = make_password(DEMO_PASSWORD)
        User.objects.filter(pk=user.pk).update(password=self._demo_hash)

    def _staff_accounts(self) -> User:
        admin = None
        for local, role, first, last in STAFF:
            email = f"{local}@{DEMO_EMAIL_DOMAIN}"
            user = User.objects.filter(email=email).first()
            if user is None:
                with transaction.atomic():
                    # The first account (the administrator) is the system's doing; she creates her colleagues'.
                    user = user_create(
                        email=email, first_name=first, last_name=last, staff_role=role, acting_user=admin
                    )
                    self._set_demo_password(user)
                    totp_device_set_demo(user=user)
            admin = admin or user
        assert admin is not None
        return admin

    def _departement_sites(self, dep: Departement) -> list[tuple[str, str, Commune]]:
        seat = Commune.objects.get(insee_code=dep.chef_lieu_code)
        others = list(Commune.objects.filter(departement=dep).exclude(pk=seat.pk).order_by("-population")[:2])
        return [(SiteKind.ADMINISTRATIVE, "Hôtel du Département", seat)] + [
            (SiteKind.TECHNICAL, f"Centre routier départemental — {c.name}", c) for c in others
        ]

    @transaction.atomic
    def _member(self, identity: dict[str, Any], status: str, competences: list[str], sites: list) -> int:
        """Create one member with its competences, sites and adhésion history, unless it exists (0 or 1)."""
        if Member.objects.filter(siren=identity["siren"]).exists():
            return 0
        # A pending request came through the public form (nobody signed in); the others were recorded by the
        # administrator.
        member = services.member_create(acting_user=None if status == R else self.admin, **identity)
        if status == R:
            _online_request(member, competences)
        if status == X:
            services.member_transition(member=member, to_status=X, acting_user=self.admin, reason="Dossier incomplet.")
            return 1
        held = [C.CENTRAL_PURCHASING, *competences] if status in {A, W} else competences
        for index, competence in enumerate(held):
            services.competence_transfer_add(
                member=member,
                competence=competence,
                start_date=ADHESION_DATE.replace(year=2023 + index % 3),
                deliberation_reference=f"DEL-{2023 + index % 3}-{member.siren[-3:]}",
                acting_user=self.admin,
            )
        if status == A and competences:
            # A competence voted for next year: the member space shows it as "à venir".
            next_year = datetime.date(timezone.localdate().year + 1, 1, 1)
            if C.DATA_SMART_CITY not in held:
                services.competence_transfer_add(
                    member=member, competence=C.DATA_SMART_CITY, start_date=next_year, acting_user=self.admin
                )
        for index, (kind, name, commune) in enumerate(sites):
            dlat, dlon = _offset(index)
            services.site_create(
                member=member,
                kind=kind,
                name=name,
                address=f"{10 + 7 * index} rue de la République, {(commune.postal_codes or [''])[0]} {commune.name}",
                commune=commune,
                latitude=round(commune.latitude + dlat, 5) if commune.latitude is not None else None,
                longitude=round(commune.longitude + dlon, 5) if commune.longitude is not None else None,
                acting_user=self.admin,
            )
        if status in {P, A, W}:
            services.member_transition(
                member=member,
                to_status=P,
                acting_user=self.admin,
                deliberation_reference=f"CS-2022-{member.siren[-3:]}",
                deliberation_date=datetime.date(2022, 12, 8),
                effective_date=datetime.date(2022, 12, 15),
            )
        # The demo plays the operator's history: adhésions active since 2023, withdrawals in mid-2025.
        if status in {A, W}:
            services.member_transition(
                member=member, to_status=A, acting_user=self.admin, effective_date=datetime.date(2023, 1, 1)
            )
        if status == W:
            services.member_transition(
                member=member,
                to_status=W,
                acting_user=self.admin,
                reason="Délibération de retrait du conseil.",
                effective_date=datetime.date(2025, 6, 30),
            )
        return 1

    def _member_accounts(self) -> int:
        created = 0
        for local, first, last, roles in MEMBER_USERS:
            email = f"{local}@{DEMO_EMAIL_DOMAIN}"
            with transaction.atomic():
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = user_create(email=email, first_name=first, last_name=last, acting_user=self.admin)
                    self._set_demo_password(user)
                    created += 1
                for siren, role in roles:
                    member = Member.objects.get(siren=siren)
                    if not Membership.objects.filter(member=member, user=user).exists():
                        services.membership_add(member=member, user=user, role=role, acting_user=self.admin)
        return created


def _online_request(member: Member, competences: list[str]) -> None:
    """A pending request as the public form records it: who asked, for what (staff see it on the member's page)."""
    request = AdhesionRequest(
        member=member,
        contact_name="Claire Martin",
        contact_function="Directrice générale des services",
        contact_email=f"dgs.{member.siren}@{DEMO_EMAIL_DOMAIN}",
        competences=[C.CENTRAL_PURCHASING, *competences],
        message="Nous souhaitons équiper nos écoles en tablettes dès la rentrée et rejoindre la centrale d'achat.",
    )
    request.full_clean()
    request.save()
