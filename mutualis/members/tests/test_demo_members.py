"""`manage.py load_demo`: the demo territory's members, sites and accounts; running it twice creates nothing new."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.fr import siret as stdnum_siret

from mutualis.accounts.models import User
from mutualis.core.models import AuditEntry
from mutualis.core.services import audit_verify
from mutualis.members.choices import MemberStatus
from mutualis.members.models import CompetenceTransfer, Member, Membership, Site

pytestmark = pytest.mark.django_db


def counts():
    return (
        Member.objects.count(),
        Site.objects.count(),
        CompetenceTransfer.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
    )


def test_load_demo_is_complete_and_idempotent():
    """The demo has the two départements, about forty communes (named with their article: « Commune d'Antony »),
    EPCI/EPT, collèges and EHPAD with their SIRET, every status, sites near their commune and accounts for every
    role; a second run changes no count."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = counts()
    # One run, one request id; each entry names the command that wrote it (load_demo calls the others).
    request_ids = set(AuditEntry.objects.values_list("request_id", flat=True))
    agents = set(AuditEntry.objects.values_list("user_agent", flat=True))
    assert len(request_ids) == 1 and None not in request_ids
    assert "manage.py load_demo" in agents
    assert agents <= {
        "manage.py load_demo",
        "manage.py load_territory",
        "manage.py load_demo_contributions",
        "manage.py load_demo_charging",
    }
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first

    kinds = Counter(Member.objects.values_list("kind", flat=True))
    assert kinds["departement"] == 2 and kinds["commune"] == 40 and kinds["intercommunality"] >= 3
    assert set(Member.objects.values_list("status", flat=True)) == set(MemberStatus.values)
    for siren in ["227806460", "229200506"]:
        assert Member.objects.filter(siren=siren, status=MemberStatus.ACTIVE).exists()
    for name in ["Boulogne-Billancourt", "Montrouge", "Courbevoie", "Clamart", "Montigny-le-Bretonneux", "Versailles"]:
        member = Member.objects.get(name=f"Commune de {name}")
        assert member.siren == member.communes.get().siren
        assert 2 <= member.sites.count() <= 4
        for site in member.sites.all():
            assert abs(site.latitude - site.commune.latitude) < 0.01
    for name in ["Commune d'Antony", "Commune d'Issy-les-Moulineaux", "Commune du Chesnay-Rocquencourt"]:
        assert Member.objects.filter(name=name).exists(), name
    assert Member.objects.filter(name="Commune de La Celle-Saint-Cloud").exists()
    # Every member, real or fictitious (SIREN 999…), has a valid SIRET of its SIREN (the Chorus Pro export needs it).
    for siren, siret in Member.objects.values_list("siren", "siret"):
        assert siret.startswith(siren) and stdnum_siret.is_valid(siret), (siren, siret)
    assert Member.objects.filter(establishment_type="college").exists()
    assert Member.objects.filter(establishment_type="ehpad").exists()

    demo = User.objects.filter(email__endswith="@demo.mutualis.fr")
    staff_roles = set(demo.exclude(staff_role="").values_list("staff_role", flat=True))
    assert staff_roles == {
        "administrator",
        "purchasing_officer",
        "education_officer",
        "supervision_operator",
        "network_officer",
    }
    assert all(TOTPDevice.objects.filter(user=u, confirmed=True).exists() for u in demo.exclude(staff_role=""))
    assert set(Membership.objects.values_list("role", flat=True)) == {"reader", "agent", "manager"}
    assert all(user.check_password("demo-mutualis-2026") for user in demo)
    assert "gestionnaire.versailles@demo.mutualis.fr" in out.getvalue()
    assert audit_verify() == []
    requested = Member.objects.filter(status=MemberStatus.REQUESTED)
    assert requested.exists() and all(member.adhesion_requests.exists() for member in requested)
    _assert_purchasing_demo()
    _assert_demo_actors()


@pytest.mark.parametrize(("siren", "siret"), [("217806462", "21780646200016"), ("219200128", "21920012800011")])
def test_demo_town_hall_sirets_are_the_first_valid_nic(siren, siret):
    """A town hall's SIRET is its commune's SIREN and the first NIC 0001x that passes the Luhn check."""
    from mutualis.members.management.commands.load_demo import _siret

    assert _siret(siren) == siret and stdnum_siret.is_valid(siret)


def _assert_purchasing_demo():
    """Purchasing demo: orders in every status with a believable history (numbers of the year they were placed,
    steps in order, none in the future), agreements with their offers received, a multi-holder lot."""
    from django.utils import timezone

    from mutualis.purchasing.choices import OrderStatus
    from mutualis.purchasing.models import FrameworkAgreement, LotHolder, Order

    orders = Order.objects.prefetch_related("transitions")
    assert set(orders.values_list("status", flat=True)) == set(OrderStatus.values)
    now = timezone.now()
    for order in orders:
        assert order.number == f"BC-{timezone.localtime(order.created_at).year}-{order.pk:06d}"
        steps = [t.at for t in sorted(order.transitions.all(), key=lambda t: t.pk)]
        assert steps == sorted(steps) and steps[-1] <= now, order.number
    assert not FrameworkAgreement.objects.filter(offers_received__isnull=True).exists()
    assert LotHolder.objects.filter(rank=2, lot__agreement__reference="DEMO-2025-01").exists()


def _assert_demo_actors():
    """The demo's journal is attributed to whoever would have acted: the administrator for adhésion decisions and
    contribution calls, a member's manager for its order approvals, the purchasing officer for validations, the
    public form (no account) for pending online requests; every action and object type met reads in French."""
    from mutualis.core import audit_labels

    entries = AuditEntry.objects.all()
    assert entries.exclude(actor=None).values("actor").distinct().count() > 5
    admin = User.objects.get(email="admin@demo.mutualis.fr")
    buyer = User.objects.get(email="acheteur@demo.mutualis.fr")
    for action in ["member.approved", "member.active", "member.rejected", "contribution_call.issue"]:
        assert set(entries.filter(action=action).values_list("actor", flat=True)) == {admin.pk}, action
    requests = entries.filter(
        action="member.create", member_id__in=Member.objects.filter(status=MemberStatus.REQUESTED)
    )
    assert requests.exists() and set(requests.values_list("actor_label", flat=True)) == {"système"}
    managers = set(Membership.objects.filter(role="manager").values_list("member_id", "user_id"))
    approvals = [e for e in entries.filter(action="order.transition") if e.after["status"] == "approved"]
    assert approvals and all((e.member_id, e.actor_id) in managers for e in approvals)
    validations = [e for e in entries.filter(action="order.transition") if e.after["status"] == "validated"]
    assert validations and {e.actor_id for e in validations} == {buyer.pk}
    assert not entries.filter(actor=None).exclude(action__in=["member.create", "user.create"]).exists()
    labelled = audit_labels.registered_actions()
    assert set(entries.values_list("action", flat=True)) <= set(labelled)
    for object_type in set(entries.values_list("object_type", flat=True)):
        assert audit_labels.object_type_label(object_type) != object_type, object_type
