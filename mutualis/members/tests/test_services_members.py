"""Members: identity rules (SIREN/SIRET, territory by kind) and the adhésion workflow."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mutualis.accounts.tests.factories import StaffFactory, UserFactory
from mutualis.core.models import AuditEntry, Notification
from mutualis.members import services
from mutualis.members.choices import MEMBER_TRANSITIONS, Competence, MemberKind, MemberRole, MemberStatus
from mutualis.members.models import CompetenceTransfer, Member, MemberStatusChange
from mutualis.members.tests import factories
from mutualis.territory.names import commune_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return StaffFactory()


def create_commune_member(admin, insee_code="78646", **overrides):
    commune = factories.commune(insee_code)
    data = {
        "name": commune_of(commune.name),
        "kind": MemberKind.COMMUNE,
        "siren": commune.siren,
        "siret": factories.make_siret(commune.siren),
        "departement": commune.departement,
        "communes": [commune],
    } | overrides
    return services.member_create(acting_user=admin, **data)


def errors_of(excinfo):
    return excinfo.value.message_dict


# --- creation and identity ---------------------------------------------------------------------------------------


def test_new_member_is_a_recorded_adhesion_request(admin):
    """Creating a member records an adhésion request: status, first history step, audit row, admins notified."""
    other_admin = StaffFactory()
    member = create_commune_member(admin)
    assert member.status == MemberStatus.REQUESTED
    step = MemberStatusChange.objects.get(member=member)
    assert (step.from_status, step.to_status, step.acting_user) == ("", MemberStatus.REQUESTED, admin)
    assert AuditEntry.objects.filter(action="member.create", member_id=member.pk).exists()
    assert Notification.objects.filter(recipient=other_admin, kind="member.requested").exists()
    assert not Notification.objects.filter(recipient=admin).exists()


def test_commune_member_defaults_its_intercommunality(admin):
    """A commune member is attached to its commune's EPT (Hauts-de-Seine) or EPCI (Yvelines) by default."""
    boulogne = create_commune_member(admin, "92012")
    versailles = create_commune_member(admin, "78646")
    assert boulogne.intercommunality.siren == "200057974"
    assert versailles.intercommunality.siren == "247800584"


def test_siren_and_siret_spaces_are_ignored(admin):
    """SIREN and SIRET may be typed with spaces; they are stored as digits."""
    member = create_commune_member(admin, siren="217 806 462", siret="217 806 462 00016")
    assert (member.siren, member.siret) == ("217806462", "21780646200016")


@pytest.mark.parametrize("siren", ["217806463", "12345", "abcdefghi", ""])
def test_invalid_siren_is_refused_and_nothing_written(admin, siren):
    """A SIREN needs 9 digits and a valid Luhn key (python-stdnum); nothing is written otherwise."""
    factories.commune("78646")
    with pytest.raises(ValidationError) as excinfo:
        create_commune_member(admin, siren=siren, siret="")
    assert "siren" in errors_of(excinfo)
    assert Member.objects.count() == 0 and AuditEntry.objects.filter(action="member.create").count() == 0


def test_invalid_siret_is_refused(admin):
    """A SIRET needs 14 digits and a valid Luhn key."""
    with pytest.raises(ValidationError) as excinfo:
        create_commune_member(admin, siret="21780646200015")
    assert errors_of(excinfo)["siret"] == ["SIRET invalide : 14 chiffres avec une clé de contrôle correcte."]


def test_siret_must_start_with_the_siren(admin):
    """The SIRET of the seat belongs to the same legal person: its first 9 digits are the SIREN."""
    other = factories.make_siret(factories.make_siren("99900001"))
    with pytest.raises(ValidationError) as excinfo:
        create_commune_member(admin, siret=other)
    assert "commencer par le SIREN" in errors_of(excinfo)["siret"][0]
    assert Member.objects.count() == 0


def test_duplicate_siren_is_refused_in_french(admin):
    """Two members cannot share a SIREN."""
    create_commune_member(admin)
    with pytest.raises(ValidationError) as excinfo:
        create_commune_member(admin, name="Autre nom")
    assert errors_of(excinfo)["siren"] == ["Un adhérent avec ce SIREN existe déjà."]
    assert Member.objects.count() == 1


def test_commune_member_uses_the_commune_siren(admin):
    """A commune is one legal person: a commune member's SIREN is its commune's."""
    siren = factories.make_siren("99900002")
    with pytest.raises(ValidationError) as excinfo:
        create_commune_member(admin, siren=siren, siret="")
    assert "217806462 pour Versailles" in errors_of(excinfo)["siren"][0]


def test_commune_member_has_exactly_its_commune(admin):
    """A commune member is linked to exactly one commune."""
    with pytest.raises(ValidationError) as excinfo:
        create_commune_member(admin, communes=[factories.commune("78646"), factories.commune("78686")])
    assert "exactement une commune" in errors_of(excinfo)["communes"][0]


def test_communes_must_be_in_the_member_departement(admin):
    """A member's communes lie in its département."""
    with pytest.raises(ValidationError) as excinfo:
        services.member_create(
            acting_user=admin,
            name="Collège",
            kind=MemberKind.PUBLIC_ESTABLISHMENT,
            establishment_type="college",
            siren=factories.make_siren("99900003"),
            departement=factories.departement("78"),
            communes=[factories.commune("92012")],
        )
    assert "pas dans le département Yvelines : Boulogne-Billancourt" in errors_of(excinfo)["communes"][0]


def test_intercommunality_member_is_its_epci_with_its_communes(admin):
    """An EPCI/EPT member carries the EPCI's SIREN; its communes default to the EPCI's communes."""
    versailles, viroflay = factories.commune("78646"), factories.commune("78686")
    factories.commune("78423")  # in another EPCI
    epci = versailles.epci
    member = services.member_create(
        acting_user=admin,
        name=epci.name,
        kind=MemberKind.INTERCOMMUNALITY,
        siren=epci.siren,
        departement=versailles.departement,
        intercommunality=epci,
    )
    assert set(member.communes.all()) == {versailles, viroflay}


def test_intercommunality_member_needs_its_epci_and_siren(admin):
    """An EPCI/EPT member names its EPCI, and uses its SIREN."""
    dep = factories.departement("78")
    with pytest.raises(ValidationError) as excinfo:
        services.member_create(
            acting_user=admin, name="CA", kind=MemberKind.INTERCOMMUNALITY, siren="247800584", departement=dep
        )
    assert "intercommunality" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.member_create(
            acting_user=admin,
            name="CA",
            kind=MemberKind.INTERCOMMUNALITY,
            siren="217806462",
            departement=dep,
            intercommunality=factories.commune("78646").epci,
        )
    assert "247800584" in errors_of(excinfo)["siren"][0]


def test_departement_member_uses_the_departement_siren(admin):
    """A département member's SIREN is the département's."""
    dep = factories.departement("78")
    member = services.member_create(
        acting_user=admin,
        name="Département des Yvelines",
        kind=MemberKind.DEPARTEMENT,
        siren=dep.siren,
        departement=dep,
    )
    assert member.communes.count() == 0
    with pytest.raises(ValidationError):
        services.member_create(
            acting_user=admin, name="Faux", kind=MemberKind.DEPARTEMENT, siren="229200506", departement=dep
        )


def test_public_establishment_needs_its_type_and_a_valid_uai(admin):
    """An establishment states its type; a UAI, for collèges and lycées, has a valid key letter."""
    base = {
        "acting_user": admin,
        "name": "Collège",
        "kind": MemberKind.PUBLIC_ESTABLISHMENT,
        "siren": factories.make_siren("99900004"),
        "departement": factories.departement("78"),
        "communes": [factories.commune("78646")],
    }
    with pytest.raises(ValidationError) as excinfo:
        services.member_create(**base)
    assert "establishment_type" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.member_create(**base, establishment_type="college", uai="0780001A")
    assert "uai" in errors_of(excinfo)
    member = services.member_create(**base, establishment_type="college", uai="0780001c")
    assert member.uai == "0780001C"


def test_member_update_is_audited_with_before_and_after(admin):
    """Changing a member's identity is written to the audit log with its before and after values."""
    member = create_commune_member(admin)
    services.member_update(member=member, acting_user=admin, phone="01 39 00 00 00")
    entry = AuditEntry.objects.get(action="member.update", member_id=member.pk)
    assert entry.before["phone"] == "" and entry.after["phone"] == "01 39 00 00 00"


def test_member_update_refused_keeps_the_member(admin):
    """A refused update changes nothing, in the database or in the object."""
    member = create_commune_member(admin)
    with pytest.raises(ValidationError):
        services.member_update(member=member, acting_user=admin, siret="123")
    assert member.siret == factories.make_siret(member.siren)
    member.refresh_from_db()
    assert member.siret == factories.make_siret(member.siren)


# --- adhésion workflow ---------------------------------------------------------------------------------------------


def approve(member, admin, **kwargs):
    data = {"deliberation_reference": "CS-2026-014", "deliberation_date": datetime.date(2026, 3, 12)} | kwargs
    return services.member_transition(member=member, to_status=MemberStatus.APPROVED, acting_user=admin, **data)


def test_adhesion_workflow_records_every_step(admin):
    """requested → approved (deliberation) → active → withdrawn (reason): each step is a history row and an audit
    row."""
    member = create_commune_member(admin)
    approve(member, admin)
    assert member.deliberation_reference == "CS-2026-014" and member.approved_at is not None
    services.member_transition(member=member, to_status=MemberStatus.ACTIVE, acting_user=admin)
    assert member.activated_at is not None
    services.member_transition(member=member, to_status=MemberStatus.WITHDRAWN, acting_user=admin, reason="Retrait")
    steps = list(MemberStatusChange.objects.filter(member=member).values_list("from_status", "to_status"))
    assert steps == [
        ("", "requested"),
        ("requested", "approved"),
        ("approved", "active"),
        ("active", "withdrawn"),
    ]
    actions = set(AuditEntry.objects.filter(member_id=member.pk).values_list("action", flat=True))
    assert {"member.create", "member.approved", "member.active", "member.withdrawn"} <= actions
    assert MemberStatusChange.objects.get(member=member, to_status="withdrawn").reason == "Retrait"


def test_approval_needs_a_deliberation_reference_and_date(admin):
    """An adhésion is approved by a deliberation: its reference and date are required, the date not in the future."""
    member = create_commune_member(admin)
    with pytest.raises(ValidationError) as excinfo:
        approve(member, admin, deliberation_reference=" ", deliberation_date=None)
    assert set(errors_of(excinfo)) == {"deliberation_reference", "deliberation_date"}
    with pytest.raises(ValidationError) as excinfo:
        approve(member, admin, deliberation_date=timezone.localdate() + datetime.timedelta(days=1))
    assert "futur" in errors_of(excinfo)["deliberation_date"][0]
    member.refresh_from_db()
    assert member.status == MemberStatus.REQUESTED and member.status_changes.count() == 1


@pytest.mark.parametrize("to_status", [MemberStatus.REJECTED])
def test_rejection_needs_a_reason(admin, to_status):
    """Refusing an adhésion needs a written reason."""
    member = create_commune_member(admin)
    with pytest.raises(ValidationError) as excinfo:
        services.member_transition(member=member, to_status=to_status, acting_user=admin, reason="  ")
    assert errors_of(excinfo)["reason"] == ["Indiquez le motif."]
    services.member_transition(member=member, to_status=to_status, acting_user=admin, reason="Hors territoire")
    assert member.status == MemberStatus.REJECTED


def test_withdrawal_needs_a_reason(admin):
    """Withdrawing a member needs a written reason."""
    member = factories.commune_member("78646")
    with pytest.raises(ValidationError):
        services.member_transition(member=member, to_status=MemberStatus.WITHDRAWN, acting_user=admin)
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


REFUSED = [
    (source, target)
    for source in MemberStatus.values
    for target in MemberStatus.values
    if target not in MEMBER_TRANSITIONS[source]
]


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_transitions_outside_the_workflow_are_refused(admin, source, target):
    """Only the transitions of MEMBER_TRANSITIONS are possible; any other leaves the member as it was."""
    member = factories.MemberFactory(status=source)
    with pytest.raises(ValidationError) as excinfo:
        services.member_transition(
            member=member,
            to_status=target,
            acting_user=admin,
            reason="motif",
            deliberation_reference="CS-1",
            deliberation_date=datetime.date(2026, 1, 5),
        )
    assert "Passage impossible" in errors_of(excinfo)["to_status"][0]
    assert Member.objects.get(pk=member.pk).status == source
    assert not MemberStatusChange.objects.filter(member=member).exists()


def test_withdrawal_ends_every_competence_that_day(admin):
    """On withdrawal, every transfer still running ends that day; one not yet started is cancelled."""
    member = factories.MemberFactory()
    today = timezone.localdate()
    running = factories.CompetenceTransferFactory(member=member, competence=Competence.CENTRAL_PURCHASING)
    later_end = factories.CompetenceTransferFactory(
        member=member, competence=Competence.EV_CHARGING, end_date=today + datetime.timedelta(days=400)
    )
    past = factories.CompetenceTransferFactory(
        member=member,
        competence=Competence.BROADBAND,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    future = factories.CompetenceTransferFactory(
        member=member, competence=Competence.DATA_SMART_CITY, start_date=today + datetime.timedelta(days=30)
    )
    services.member_transition(member=member, to_status=MemberStatus.WITHDRAWN, acting_user=admin, reason="Retrait")
    for transfer in (running, later_end):
        transfer.refresh_from_db()
        assert transfer.end_date == today
    past.refresh_from_db()
    assert past.end_date == datetime.date(2021, 1, 1)
    assert not CompetenceTransfer.objects.filter(pk=future.pk).exists()
    assert AuditEntry.objects.filter(action="competence.cancel", member_id=member.pk).exists()


def test_approval_and_activation_notify_the_member_managers(admin):
    """The member's managers are told when the adhésion is approved (and when it becomes active)."""
    member = create_commune_member(admin)
    manager = UserFactory()
    reader = UserFactory()
    factories.MembershipFactory(member=member, user=manager, role=MemberRole.MANAGER)
    factories.MembershipFactory(member=member, user=reader, role=MemberRole.READER)
    approve(member, admin)
    assert Notification.objects.filter(recipient=manager, kind="member.approved").exists()
    assert not Notification.objects.filter(recipient=reader).exists()


def test_transition_may_record_an_earlier_effective_date():
    """An adhésion decided earlier is recorded with its effective date; a future date or one before the previous
    step is refused with a French message and nothing changes."""
    admin = StaffFactory()
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    services.member_transition(
        member=member,
        to_status=MemberStatus.APPROVED,
        acting_user=admin,
        deliberation_reference="CS-2022-1",
        deliberation_date=datetime.date(2022, 12, 8),
        effective_date=datetime.date(2022, 12, 15),
    )
    with pytest.raises(ValidationError, match="précéder"):
        services.member_transition(
            member=member, to_status=MemberStatus.ACTIVE, acting_user=admin, effective_date=datetime.date(2022, 1, 1)
        )
    with pytest.raises(ValidationError, match="futur"):
        services.member_transition(
            member=member,
            to_status=MemberStatus.ACTIVE,
            acting_user=admin,
            effective_date=datetime.date.today() + datetime.timedelta(days=2),
        )
    member.refresh_from_db()
    assert member.status == MemberStatus.APPROVED
    services.member_transition(
        member=member, to_status=MemberStatus.ACTIVE, acting_user=admin, effective_date=datetime.date(2023, 1, 1)
    )
    member.refresh_from_db()
    assert timezone.localdate(member.activated_at) == datetime.date(2023, 1, 1)
    assert member.status_changes.last().effective_date == datetime.date(2023, 1, 1)
