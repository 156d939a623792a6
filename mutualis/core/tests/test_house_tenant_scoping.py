"""House rule: every member-owned model answers `visible_to(user)` with exactly its members' rows, for every role of
the matrix — and a new tenant model cannot be added without being tried here."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from mutualis.accounts.tests.factories import StaffFactory, UserFactory
from mutualis.charging.models import ChargingProfile, MessageLog, Reservation
from mutualis.charging.tests import factories as charging
from mutualis.contributions.services import call_issue_year
from mutualis.contributions.tests.factories import RateFactory
from mutualis.core.scoping import tenant_models
from mutualis.members.choices import Competence, MemberStatus
from mutualis.members.models import AdhesionRequest, MemberStatusChange
from mutualis.members.services import membership_invite, membership_request_create
from mutualis.members.testing import ROLES
from mutualis.members.tests.factories import SiteFactory
from mutualis.purchasing.choices import OrderStatus
from mutualis.purchasing.models import MemberPurchasingSettings, OrderTransition
from mutualis.purchasing.services.deliveries import service_certify
from mutualis.purchasing.services.invoices import invoice_register, invoice_suspend
from mutualis.purchasing.tests.builders import deliver_all, sent_order
from mutualis.supervision.tests.evidence_factories import evidence_tenant_rows
from mutualis.supervision.tests.factories import tenant_rows as supervision_rows
from mutualis.supervision.tests.masking_factories import masking_tenant_rows

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


def _member_rows(world, member, officer, certifier):
    """At least one row of every tenant model for `member`, made the way the platform makes them where it can."""
    order = sent_order(world, member=member)
    OrderTransition.objects.create(order=order, from_status=OrderStatus.VALIDATED, to_status=OrderStatus.SENT)
    MemberPurchasingSettings.objects.get_or_create(member=member)
    deliver_all(order, officer, on=DAY, prefix=f"SN{member.pk}")
    service_certify(order=order, execution_date=DAY, acting_user=certifier)
    invoice = invoice_register(
        order=order,
        number=f"F-{member.pk}",
        invoice_date=DAY,
        received_on=DAY,
        amount_ht=order.total_ht,
        amount_vat=order.total_vat,
        amount_ttc=order.total_ttc,
        acting_user=officer,
    )
    invoice_suspend(invoice=invoice, started_on=DAY, reason="Bon de livraison signé manquant", acting_user=officer)
    AdhesionRequest.objects.create(member=member, contact_name="Contact", contact_email="contact@example.fr")
    # An account that already exists is invited: the invitation waits for its answer.
    invited = UserFactory(email=f"invite-{member.pk}@example.fr")
    membership_invite(member=member, email=invited.email, role="reader", acting_user=world.staff)
    # An agent ProConnect recognised from their SIRET asks to join: the request waits for a manager.
    requester = UserFactory(email=f"demande-{member.pk}@example.fr")
    membership_request_create(member=member, user=requester, origin="proconnect", acting_user=requester)
    MemberStatusChange.objects.create(
        member=member, from_status=MemberStatus.APPROVED, to_status=MemberStatus.ACTIVE, at=timezone.now()
    )
    _education_rows(member)
    _charging_rows(member)
    supervision_rows(SiteFactory(member=member, name=f"Site supervisé {member.pk}"))
    evidence_tenant_rows(SiteFactory(member=member, name=f"Site des preuves {member.pk}"), user=world.staff)
    masking_tenant_rows(SiteFactory(member=member, name=f"Site des occultations {member.pk}"), user=world.staff)


def _education_loan_rows(member, school):
    """A loan, an inclusion programme and a crisis campaign with a beneficiary (education)."""
    from mutualis.assets.tests.factories import AssetFactory
    from mutualis.education.models import CampaignBeneficiary, CrisisCampaign, InclusionProgramme, Loan

    asset = AssetFactory(member=member, serial_number=f"EDU-{member.pk}")
    Loan.objects.create(
        asset=asset,
        establishment=school,
        beneficiary_kind="pupil",
        beneficiary_reference="ELV-000001",
        starts_on=DAY,
        due_on=DAY,
    )
    InclusionProgramme.objects.create(member=member, school_year="2025-2026", title="Inclusion")
    campaign = CrisisCampaign.objects.create(member=member, title="Crise", quantity=1, starts_on=DAY, due_on=DAY)
    from mutualis.education.models import Application
    from mutualis.education.tests.factories import ProjectCallFactory

    Application.objects.create(
        call=ProjectCallFactory(), establishment=school, class_name="3A", teacher_name="M. X", motivation="Oui."
    )
    CampaignBeneficiary.objects.create(
        campaign=campaign, kind="pupil", reference="ELV-000002", establishment=school, site=member.sites.first()
    )


def _education_rows(member):
    """An école of the member's commune with a subscription and an assignment (education)."""
    from mutualis.education.models import Assignment
    from mutualis.education.tests.factories import EstablishmentFactory, SubscriptionFactory

    school = EstablishmentFactory(member=member, commune=member.communes.first())
    subscription = SubscriptionFactory(establishment=school)
    _education_loan_rows(member, school)
    Assignment.objects.create(
        subscription=subscription, target="pupil", pseudonym=f"ELV-{member.pk:06d}", profile="National_elv"
    )


def _charging_rows(member):
    """A station at one of the member's sites, its point (with connectors), a session with a meter value, a
    badge, a command, a reservation, a power cap and a logged OCPP frame."""
    station = charging.station_at(member.sites.first(), id_station_itinerance=f"FRSYNP{member.pk:04d}")
    point = charging.ChargePointFactory(station=station, id_pdc_itinerance=f"FRSYNE{member.pk:04d}1")
    charging.MeterValueFactory(session=charging.SessionFactory(charge_point=point))
    charging.IdTagFactory(member=member)
    charging.CommandFactory(charge_point=point)
    Reservation.objects.create(charge_point=point, connector_id=1, id_tag="TAG", expires_at=timezone.now())
    ChargingProfile.objects.create(station=station, limit_kw=Decimal("22"))
    MessageLog.objects.create(charge_point=point, at=timezone.now(), direction="in", kind="call", action="Heartbeat")


@pytest.fixture
def populated_world(world):
    officer = StaffFactory(email="acheteur@operateur.example.fr", staff_role="purchasing_officer")
    _member_rows(world, world.member_a, officer, world.manager)
    _member_rows(world, world.member_b, officer, world.other_member)
    RateFactory(year=2025, competence=Competence.CENTRAL_PURCHASING, per_inhabitant=Decimal("0.15"))
    RateFactory(year=2025, competence=Competence.EV_CHARGING, per_inhabitant=Decimal("0.10"))
    RateFactory(year=2025, competence=Competence.VIDEO_PROTECTION, per_inhabitant=Decimal("0.20"))
    call_issue_year(year=2025, acting_user=world.staff)
    return world


def _member_ids(model, queryset):
    path = getattr(model, "member_path", "member")
    return set(queryset.values_list(path, flat=True))


def test_every_tenant_model_is_scoped_by_member_for_every_role(populated_world):
    """For each tenant model: anonymous users see no row, another member's manager only member B's rows, member A's
    reader, agent and manager only member A's, operator staff every member's."""
    world = populated_world
    a, b = world.member_a.pk, world.member_b.pk
    expected = {
        "anonymous": set(),
        "other_member": {b},
        "reader": {a},
        "agent": {a},
        "manager": {a},
        "staff": {a, b},
    }
    models = tenant_models()
    assert len(models) >= 15
    failures = []
    for model in models:
        everything = _member_ids(model, model._default_manager.all())
        if not {a, b} <= everything:
            failures.append(f"{model.__name__}: no row for both members — add one to _member_rows()")
            continue
        for role in ROLES:
            seen = _member_ids(model, model._default_manager.visible_to(world.users.get(role)))
            if seen != expected[role]:
                failures.append(f"{model.__name__} as {role}: members {seen}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


def test_an_inactive_account_sees_nothing(populated_world):
    """A disabled account keeps its memberships but reads no member's rows."""
    manager = populated_world.manager
    manager.is_active = False
    manager.save()
    for model in tenant_models():
        assert not model._default_manager.visible_to(manager).exists(), model.__name__
