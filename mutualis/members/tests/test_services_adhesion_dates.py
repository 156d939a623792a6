"""Dates of the adhésion workflow are bounded: not before the request, not in the future, not before the syndicat.

Every refusal is a French message on the field (form: 400, API: 400 with field errors) and nothing is written.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.testing import login_as
from mutualis.members import services
from mutualis.members.choices import Competence, MemberKind, MemberStatus
from mutualis.members.models import AdhesionRequest, Member, MemberStatusChange
from mutualis.members.services.members import request_date
from mutualis.members.testing import rows
from mutualis.members.tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def admin():
    return StaffFactory()


def state():
    return rows(Member.objects.all()), rows(MemberStatusChange.objects.all())


def errors_of(excinfo):
    return excinfo.value.message_dict


def viroflay(admin, **kwargs):
    commune = factories.commune("78686")
    return services.member_create(
        acting_user=admin,
        name="Commune de Viroflay",
        kind=MemberKind.COMMUNE,
        siren=commune.siren,
        departement=commune.departement,
        communes=[commune],
        **kwargs,
    )


def online_request(member, day):
    """An online request received on `day`."""
    adhesion = AdhesionRequest.objects.create(
        member=member, contact_name="Claire Martin", contact_function="DGS", contact_email="dgs@viroflay.example.fr"
    )
    received = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    AdhesionRequest.objects.filter(pk=adhesion.pk).update(created_at=received)
    return adhesion


def approve(member, admin, **kwargs):
    data = {"deliberation_reference": "CS-2026-014", "deliberation_date": D(2026, 3, 12)} | kwargs
    return services.member_transition(member=member, to_status=MemberStatus.APPROVED, acting_user=admin, **data)


# --- services -----------------------------------------------------------------------------------------------------


def test_a_deliberation_of_1900_is_refused(admin):
    """A deliberation cannot predate the syndicat's creation (01/01/2016 by default): 01/01/1900 is refused."""
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        approve(member, admin, deliberation_date=D(1900, 1, 1))
    assert errors_of(excinfo)["deliberation_date"] == [
        "La date de la délibération ne peut précéder la création du syndicat, le 01/01/2016."
    ]
    assert state() == before


def test_an_operator_created_earlier_is_configured(admin, settings):
    """With OPERATOR_CREATED_ON set earlier, an older deliberation is accepted."""
    settings.OPERATOR_CREATED_ON = D(2001, 1, 1)
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    approve(member, admin, deliberation_date=D(2005, 5, 5), effective_date=D(2005, 5, 5))
    assert member.status == MemberStatus.APPROVED and member.deliberation_date == D(2005, 5, 5)


def test_a_deliberation_cannot_precede_the_online_request(admin):
    """The deliberation answers the request: it cannot be dated before the day the online request was received."""
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    online_request(member, D(2026, 3, 1))
    assert request_date(member) == D(2026, 3, 1)
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        approve(member, admin, deliberation_date=D(2026, 2, 28))
    assert errors_of(excinfo)["deliberation_date"] == [
        "La date de la délibération ne peut précéder la demande d'adhésion, reçue le 01/03/2026."
    ]
    assert state() == before
    approve(member, admin, deliberation_date=D(2026, 3, 1))
    assert member.status == MemberStatus.APPROVED


def test_the_public_form_dates_the_request(admin):
    """A request made through the public form is dated the day it was received."""
    commune = factories.commune("78686")
    adhesion = services.adhesion_request_submit(
        name="Commune de Viroflay",
        kind=MemberKind.COMMUNE,
        siren=commune.siren,
        departement=commune.departement,
        communes=[commune],
        contact_name="Claire Martin",
        contact_function="DGS",
        contact_email="dgs@viroflay.example.fr",
    )
    step = adhesion.member.status_changes.get(to_status=MemberStatus.REQUESTED)
    assert step.effective_date == timezone.localdate() == request_date(adhesion.member)


def test_a_request_recorded_in_the_back_office_may_carry_its_date(admin):
    """A request recorded after the fact keeps the day it was received; the deliberation cannot precede it."""
    member = viroflay(admin, requested_on=D(2026, 2, 2))
    assert member.status_changes.get().effective_date == D(2026, 2, 2)
    with pytest.raises(ValidationError, match="reçue le 02/02/2026"):
        approve(member, admin, deliberation_date=D(2026, 2, 1))
    approve(member, admin, deliberation_date=D(2026, 2, 10))
    assert member.status == MemberStatus.APPROVED


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TOMORROW, "La date de la demande ne peut pas être dans le futur."),
        (D(1999, 1, 1), "La date de la demande ne peut précéder la création du syndicat, le 01/01/2016."),
    ],
)
def test_the_request_date_is_bounded(admin, day, message):
    """The day a request was received is neither in the future nor before the syndicat; nothing is written."""
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        viroflay(admin, requested_on=day)
    assert errors_of(excinfo)["requested_on"] == [message]
    assert state() == before


@pytest.mark.parametrize(
    ("to_status", "kwargs"),
    [
        (MemberStatus.APPROVED, {"deliberation_reference": "CS-2026-1", "deliberation_date": D(2026, 3, 1)}),
        (MemberStatus.REJECTED, {"reason": "Hors territoire"}),
    ],
)
def test_an_answer_takes_effect_after_the_request(admin, to_status, kwargs):
    """An approval or a refusal takes effect on or after the day the request was received."""
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    online_request(member, D(2026, 3, 1))
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        services.member_transition(
            member=member, to_status=to_status, acting_user=admin, effective_date=D(2026, 2, 27), **kwargs
        )
    assert "ne peut précéder la demande d'adhésion, reçue le 01/03/2026" in errors_of(excinfo)["effective_date"][0]
    assert state() == before


def test_an_effective_date_of_1900_is_refused(admin):
    """A step cannot take effect before the syndicat's creation."""
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        services.member_transition(
            member=member, to_status=MemberStatus.REJECTED, acting_user=admin, reason="x", effective_date=D(1900, 1, 1)
        )
    assert errors_of(excinfo)["effective_date"] == [
        "La date d'effet ne peut précéder la création du syndicat, le 01/01/2016."
    ]
    assert state() == before


def test_every_bad_date_is_told_at_once(admin):
    """A deliberation and an effective date both out of bounds are both reported."""
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    with pytest.raises(ValidationError) as excinfo:
        approve(member, admin, deliberation_date=TOMORROW, effective_date=D(1900, 1, 1))
    assert set(errors_of(excinfo)) == {"deliberation_date", "effective_date"}


def test_the_adhesion_cannot_take_effect_after_a_transfer_started(admin):
    """An activation dated after a competence already transferred is refused (the competence would be billed for
    days before the adhésion); dated on or before its start, it is accepted."""
    member = factories.MemberFactory(status=MemberStatus.APPROVED)
    factories.CompetenceTransferFactory(member=member, competence=Competence.VIDEO_PROTECTION, start_date=D(2026, 1, 1))
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        services.member_transition(member=member, to_status=MemberStatus.ACTIVE, acting_user=admin)
    assert "« Vidéoprotection », depuis le 01/01/2026" in errors_of(excinfo)["effective_date"][0]
    assert state() == before
    services.member_transition(
        member=member, to_status=MemberStatus.ACTIVE, acting_user=admin, effective_date=D(2026, 1, 1)
    )
    assert member.status == MemberStatus.ACTIVE


# --- the back-office form and the API ---------------------------------------------------------------------------


def test_the_approval_form_shows_a_bad_deliberation_date_in_french(world, client):
    """The approval form answers 400 with the French message under the deliberation date; nothing is written."""
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    login_as(client, world.staff)
    before = state()
    response = client.post(
        f"/back-office/adherents/{member.pk}/statut/approved/",
        {"t-approved-deliberation_reference": "CS-1900-1", "t-approved-deliberation_date": "1900-01-01"},
    )
    assert response.status_code == 400
    assert "ne peut précéder la création du syndicat, le 01/01/2016" in response.content.decode()
    assert state() == before


def test_the_creation_form_takes_the_request_date(world, client):
    """The back-office creation form records the day the request was received; a future day is refused (400)."""
    factories.commune("78686")
    login_as(client, world.staff)
    data = {
        "name": "Commune de Viroflay",
        "kind": "commune",
        "siren": "217806868",
        "departement": "78",
        "commune_codes": "78686",
    }
    before = state()
    response = client.post("/back-office/adherents/nouveau/", data | {"requested_on": TOMORROW.isoformat()})
    assert response.status_code == 400
    assert "La date de la demande ne peut pas être dans le futur." in response.content.decode()
    assert state() == before
    response = client.post("/back-office/adherents/nouveau/", data | {"requested_on": "2026-02-02"})
    assert response.status_code == 302
    member = Member.objects.get(siren="217806868")
    assert request_date(member) == D(2026, 2, 2)


def test_the_api_answers_400_to_a_bad_deliberation_date(world, client):
    """The API's transition refuses a deliberation before the syndicat or the request with 400 and field errors."""
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    online_request(member, D(2026, 3, 1))
    login_as(client, world.staff)
    url = f"/api/v1/members/{member.pk}/transition/"
    before = state()
    for day, text in (("1900-01-01", "création du syndicat"), ("2026-02-01", "reçue le 01/03/2026")):
        data = {"to_status": "approved", "deliberation_reference": "CS-1", "deliberation_date": day}
        response = client.post(url, data, content_type="application/json")
        assert response.status_code == 400
        assert text in response.json()["deliberation_date"][0]
    assert state() == before
