"""Competence transfers are bounded by the syndicat and the adhésion, and a mistaken one is corrected (edited or
cancelled, audited) until a contribution call bills it; the « Terminer » page shows the end already recorded."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members import billing, services
from mutualis.members.choices import Competence, MemberStatus
from mutualis.members.models import CompetenceTransfer
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.members.tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date
STAFF_WRITES = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302}
STAFF_ONLY = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 200}


def aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@pytest.fixture
def admin():
    return StaffFactory()


@pytest.fixture
def member():
    """A member whose adhésion took effect on 1 January 2023."""
    return factories.MemberFactory(activated_at=aware(D(2023, 1, 1)))


@pytest.fixture
def billed(monkeypatch):
    """Bills the transfers whose pk is in the returned set with call COT-2025-00007 (as contributions would)."""
    pks: set[int] = set()
    monkeypatch.setattr(billing, "_lookups", [lambda t: ["COT-2025-00007"] if t.pk in pks else []])
    return pks


def transfers():
    return rows(CompetenceTransfer.objects.all())


def add(member, admin, start, end=None, competence=Competence.VIDEO_PROTECTION):
    return services.competence_transfer_add(
        member=member, competence=competence, start_date=start, end_date=end, acting_user=admin
    )


# --- bounds of a transfer ---------------------------------------------------------------------------------------


def test_a_transfer_from_1800_is_refused(member, admin):
    """A competence cannot be transferred from before the syndicat existed (01/01/1800)."""
    with pytest.raises(ValidationError) as excinfo:
        add(member, admin, D(1800, 1, 1))
    assert excinfo.value.message_dict["start_date"] == [
        "La date de début ne peut précéder la création du syndicat, le 01/01/2016."
    ]
    assert not CompetenceTransfer.objects.exists()


def test_a_transfer_before_the_adhesion_took_effect_is_refused(member, admin):
    """A competence cannot be transferred from before the member's adhésion took effect; from that day it can."""
    with pytest.raises(ValidationError) as excinfo:
        add(member, admin, D(2022, 12, 31))
    assert excinfo.value.message_dict["start_date"] == [
        "Le transfert ne peut commencer avant la prise d'effet de l'adhésion, le 01/01/2023."
    ]
    assert not CompetenceTransfer.objects.exists()
    assert add(member, admin, D(2023, 1, 1)).start_date == D(2023, 1, 1)


def test_the_add_form_shows_the_bound_in_french(world, client):
    """The back-office form refuses a transfer from 1800 with a French message and 400; nothing is written."""
    login_as(client, world.staff)
    before = transfers()
    response = client.post(
        f"/back-office/adherents/{world.member_a.pk}/competences/nouvelle/",
        {"competence": "broadband", "start_date": "1800-01-01"},
    )
    assert response.status_code == 400
    assert "ne peut précéder la création du syndicat, le 01/01/2016" in response.content.decode()
    assert transfers() == before


# --- correcting a transfer --------------------------------------------------------------------------------------


def test_a_transfer_is_corrected_and_audited(member, admin):
    """A mistaken transfer's dates and deliberation are corrected; the audit log keeps before, after and reason."""
    transfer = add(member, admin, D(2024, 1, 1))
    services.competence_transfer_update(
        transfer=transfer,
        start_date=D(2024, 3, 1),
        end_date=D(2026, 12, 31),
        deliberation_reference=" DEL-2024-7 ",
        reason="Date de la délibération mal saisie",
        acting_user=admin,
    )
    transfer.refresh_from_db()
    assert (transfer.start_date, transfer.end_date) == (D(2024, 3, 1), D(2026, 12, 31))
    assert transfer.deliberation_reference == "DEL-2024-7"
    entry = AuditEntry.objects.get(action="competence.update", object_id=str(transfer.pk))
    assert entry.reason == "Date de la délibération mal saisie"
    assert entry.before["start_date"] == "2024-01-01" and entry.after["start_date"] == "2024-03-01"


@pytest.mark.parametrize(
    ("start", "end", "field", "text"),
    [
        (D(1800, 1, 1), None, "start_date", "création du syndicat"),
        (D(2022, 6, 1), None, "start_date", "prise d'effet de l'adhésion"),
        (D(2025, 1, 1), D(2024, 1, 1), "end_date", "La date de fin doit suivre la date de début."),
        (D(2024, 1, 1), None, "start_date", "chevauche"),
    ],
)
def test_a_correction_keeps_the_bounds(member, admin, start, end, field, text):
    """A correction obeys the rules of a new transfer (syndicat, adhésion, order of dates, no overlap); a refused
    one leaves the transfer as it was."""
    add(member, admin, D(2023, 1, 1), D(2024, 6, 30), competence=Competence.VIDEO_PROTECTION)
    transfer = add(member, admin, D(2025, 1, 1), competence=Competence.VIDEO_PROTECTION)
    before = transfers()
    with pytest.raises(ValidationError) as excinfo:
        services.competence_transfer_update(transfer=transfer, start_date=start, end_date=end, acting_user=admin)
    assert text in " ".join(excinfo.value.message_dict[field])
    assert transfers() == before
    assert transfer.start_date == D(2025, 1, 1)


def test_a_withdrawn_members_transfer_ends_by_the_withdrawal(admin):
    """A withdrawn member's transfer is corrected within its adhésion: never past the withdrawal, never open."""
    member = factories.MemberFactory(
        status=MemberStatus.WITHDRAWN, activated_at=aware(D(2023, 1, 1)), withdrawn_at=aware(D(2025, 6, 30))
    )
    transfer = factories.CompetenceTransferFactory(member=member, start_date=D(2023, 1, 1), end_date=D(2025, 6, 30))
    before = transfers()
    for end in (None, D(2025, 7, 1)):
        with pytest.raises(ValidationError, match="retiré le 30/06/2025"):
            services.competence_transfer_update(
                transfer=transfer, start_date=D(2023, 1, 1), end_date=end, acting_user=admin
            )
    with pytest.raises(ValidationError, match="retiré le 30/06/2025"):
        services.competence_transfer_end(transfer=transfer, end_date=D(2025, 7, 1), acting_user=admin)
    assert transfers() == before


def test_a_transfer_recorded_by_mistake_is_cancelled_with_a_reason(member, admin):
    """Cancelling deletes the transfer; the audit log keeps what it was and why; a reason is required."""
    transfer = add(member, admin, D(2024, 1, 1))
    before = transfers()
    with pytest.raises(ValidationError) as excinfo:
        services.competence_transfer_cancel(transfer=transfer, reason="  ", acting_user=admin)
    assert excinfo.value.message_dict["reason"] == ["Indiquez pourquoi ce transfert est annulé."]
    assert transfers() == before
    pk = transfer.pk
    services.competence_transfer_cancel(transfer=transfer, reason="Saisi sur le mauvais adhérent", acting_user=admin)
    assert not CompetenceTransfer.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="competence.cancel", object_id=str(pk))
    assert entry.reason == "Saisi sur le mauvais adhérent" and entry.before["start_date"] == "2024-01-01"
    assert entry.member_id == member.pk


def test_a_billed_transfer_is_neither_corrected_nor_cancelled(member, admin, billed):
    """Once an issued contribution call bills a transfer, correcting or cancelling it is refused with a message
    naming the call; nothing changes."""
    transfer = add(member, admin, D(2024, 1, 1))
    billed.add(transfer.pk)
    before = transfers()
    with pytest.raises(ValidationError, match="COT-2025-00007") as excinfo:
        services.competence_transfer_update(transfer=transfer, start_date=D(2024, 2, 1), acting_user=admin)
    assert "ne peut donc plus être corrigé ni annulé" in excinfo.value.messages[0]
    with pytest.raises(ValidationError, match="COT-2025-00007"):
        services.competence_transfer_cancel(transfer=transfer, reason="Erreur", acting_user=admin)
    assert transfers() == before
    assert not AuditEntry.objects.filter(action__in=["competence.update", "competence.cancel"]).exists()


# --- pages ---------------------------------------------------------------------------------------------------------


def test_correction_pages_are_staff_only(world):
    """Only operator staff open the correction and cancellation pages."""
    transfer = world.member_a.competences.first()
    for path in ("modifier", "annulation"):
        assert_role_matrix(
            world, method="get", url=f"/back-office/competences/{transfer.pk}/{path}/", expected=STAFF_ONLY
        )


def test_correct_matrix(world):
    """Only administrators correct a transfer; refused requests change nothing."""
    transfer = world.member_a.competences.get(competence="video_protection")
    assert_role_matrix(
        world,
        method="post",
        url=f"/back-office/competences/{transfer.pk}/modifier/",
        data={"start_date": "2025-02-01", "end_date": "", "deliberation_reference": "DEL-2025-2", "reason": "Erreur"},
        expected=STAFF_WRITES,
        state=transfers,
    )
    transfer.refresh_from_db()
    assert transfer.start_date == D(2025, 2, 1) and transfer.deliberation_reference == "DEL-2025-2"


def test_cancel_matrix(world):
    """Only administrators cancel a transfer, after confirming with a reason; refused requests change nothing."""
    transfer = world.member_a.competences.get(competence="video_protection")
    assert_role_matrix(
        world,
        method="post",
        url=f"/back-office/competences/{transfer.pk}/annulation/",
        data={"reason": "Délibération jamais adoptée"},
        expected=STAFF_WRITES,
        state=transfers,
    )
    assert not CompetenceTransfer.objects.filter(pk=transfer.pk).exists()


def test_cancelling_asks_for_confirmation_and_a_reason(world, client):
    """The cancellation page asks before deleting; without a reason it answers 400 and keeps the transfer."""
    transfer = world.member_a.competences.get(competence="video_protection")
    login_as(client, world.staff)
    body = client.get(f"/back-office/competences/{transfer.pk}/annulation/").content.decode()
    assert "Annuler le transfert « Vidéoprotection » ?" in body and "Confirmer l'annulation" in body
    before = transfers()
    response = client.post(f"/back-office/competences/{transfer.pk}/annulation/", {"reason": ""})
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.content.decode()
    assert transfers() == before


def test_a_billed_transfer_offers_no_correction(world, client, billed):
    """The member page says which call bills a transfer instead of offering to correct it; the pages explain why
    and a correction sent anyway is refused (400), nothing changed."""
    transfer = world.member_a.competences.get(competence="video_protection")
    billed.add(transfer.pk)
    login_as(client, world.staff)
    body = client.get(f"/back-office/adherents/{world.member_a.pk}/").content.decode()
    assert "facturé par COT-2025-00007" in body
    assert f"/back-office/competences/{transfer.pk}/modifier/" not in body
    other = world.member_a.competences.get(competence="central_purchasing")
    assert f"/back-office/competences/{other.pk}/modifier/" in body
    assert f"/back-office/competences/{other.pk}/annulation/" in body
    page = client.get(f"/back-office/competences/{transfer.pk}/modifier/").content.decode()
    assert "facturé par l&#x27;appel de cotisation COT-2025-00007" in page and 'name="start_date"' not in page
    before = transfers()
    response = client.post(
        f"/back-office/competences/{transfer.pk}/modifier/", {"start_date": "2025-02-01", "reason": "Erreur"}
    )
    assert response.status_code == 400
    response = client.post(f"/back-office/competences/{transfer.pk}/annulation/", {"reason": "Erreur"})
    assert response.status_code == 400
    assert transfers() == before


def test_the_end_page_shows_and_offers_the_end_already_recorded(world, client):
    """« Terminer » shows the end date a transfer already has and pre-fills it; without one, today is offered."""
    transfer = world.member_a.competences.get(competence="video_protection")
    transfer.end_date = D(2027, 6, 30)
    transfer.save()
    login_as(client, world.staff)
    body = client.get(f"/back-office/competences/{transfer.pk}/fin/").content.decode()
    assert "du 01/01/2025 au 30/06/2027 inclus" in body
    assert 'value="2027-06-30"' in body
    open_ended = world.member_a.competences.get(competence="central_purchasing")
    body = client.get(f"/back-office/competences/{open_ended.pk}/fin/").content.decode()
    assert "sans date de fin" in body and f'value="{timezone.localdate():%Y-%m-%d}"' in body
