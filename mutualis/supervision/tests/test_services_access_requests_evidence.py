"""Right of access (CSI L253-5): tracked with its deadline, answered by access (export noting what was masked for
third parties), refusal on a ground of L253-5, or destruction confirmed from the register; the answer is itself in
the register."""

import datetime
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError

from mutualis.members.testing import rows
from mutualis.supervision.models.evidence import AccessRequest, RegisterEntry
from mutualis.supervision.services import access_requests, evidence
from mutualis.supervision.tasks_evidence import run_retention
from mutualis.supervision.tests.evidence_factories import ago, habilitated_site, isolate_files, recording

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    isolate_files(settings, tmp_path)


def _request(protected, user, camera=None, *, start, kind="access", identity=True):
    return access_requests.access_request_create(
        protected_site=protected,
        acting_user=user,
        device=camera,
        kind=kind,
        requester_name="Mme Durand",
        requester_contact="durand@example.fr",
        identity_checked=identity,
        received_on=datetime.date(2026, 1, 31),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )


def test_deadline_follows_receipt(world):
    """The answer is due one month after receipt (RGPD 12-3 applied to CSI L253-5)."""
    protected, camera = habilitated_site(site=world.site_a, user=world.staff)
    request = _request(protected, world.staff, camera, start=ago(hours=5))
    assert request.deadline == datetime.date(2026, 2, 28)
    assert access_requests.access_request_overdue(request, day=datetime.date(2026, 3, 1))


def test_access_granted_with_masking_noted_in_signed_export_and_register(world, tmp_path):
    """Third parties on the images: the masking must be stated; the export carries it and verifies; the answer is
    registered with the export's digest."""
    protected, camera = habilitated_site(site=world.site_a, user=world.staff)
    start = ago(hours=5)
    recording(camera, start=start + datetime.timedelta(minutes=5))
    request = _request(protected, world.staff, camera, start=start)
    with pytest.raises(ValidationError) as caught:
        access_requests.access_request_answer(
            request=request,
            decision="granted",
            answer="Voici les images.",
            third_parties_visible=True,
            acting_user=world.staff,
        )
    assert "masking_note" in caught.value.message_dict
    assert not RegisterEntry.objects.filter(kind="access_answer").exists()
    answered = access_requests.access_request_answer(
        request=request,
        decision="granted",
        answer="Voici les images.",
        third_parties_visible=True,
        masking_note="Visages de deux passants floutés",
        acting_user=world.staff,
    )
    path = tmp_path / "acces.zip"
    path.write_bytes(evidence.read_stored(answered.export))
    assert evidence.verify_export(archive_file=path).ok
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["masking"] == {
        "third_parties_visible": True,
        "note": "Visages de deux passants floutés",
        "masked_files": 0,
        "regions": 0,
    }
    line = RegisterEntry.objects.get(kind="access_answer")
    assert "floutés" in line.detail and line.recipient == "Mme Durand" and line.sha256


def test_refusal_needs_a_ground_of_l253_5(world):
    """A refusal names its ground among those of CSI L253-5; it is registered."""
    protected, camera = habilitated_site(site=world.site_a, user=world.staff)
    request = _request(protected, world.staff, camera, start=ago(hours=5))
    with pytest.raises(ValidationError) as caught:
        access_requests.access_request_answer(
            request=request, decision="refused", answer="Refus.", refusal_ground="", acting_user=world.staff
        )
    assert "refusal_ground" in caught.value.message_dict
    access_requests.access_request_answer(
        request=request,
        decision="refused",
        answer="Une procédure est en cours.",
        refusal_ground="proceedings",
        acting_user=world.staff,
    )
    assert "Procédure juridictionnelle" in RegisterEntry.objects.get(kind="access_answer").detail


def test_destruction_confirmed_from_the_register(world):
    """« Vérifier la destruction »: refused while images of the period remain, then confirmed from the register's
    destruction lines once the retention task destroyed them."""
    protected, camera = habilitated_site(site=world.site_a, user=world.staff, retention_days=2)
    start = ago(days=4)
    recording(camera, start=start)
    request = _request(protected, world.staff, camera, start=start, kind="destruction")
    with pytest.raises(ValidationError, match="existent encore"):
        access_requests.access_request_answer(
            request=request, decision="destroyed", answer="Détruites.", acting_user=world.staff
        )
    run_retention()
    answered = access_requests.access_request_answer(
        request=request, decision="destroyed", answer="Les images ont été détruites.", acting_user=world.staff
    )
    assert answered.decision == "destroyed"
    assert "Destruction confirmée par le registre" in RegisterEntry.objects.get(kind="access_answer").detail


def test_no_answer_on_the_merits_before_identity_checked_and_once_only(world):
    """The identity is checked before access is given; a request is answered once."""
    protected, camera = habilitated_site(site=world.site_a, user=world.staff)
    start = ago(hours=5)
    recording(camera, start=start)
    request = _request(protected, world.staff, camera, start=start, identity=False)
    before = rows(AccessRequest.objects.all())
    with pytest.raises(ValidationError, match="identité"):
        access_requests.access_request_answer(
            request=request, decision="granted", answer="Voici.", acting_user=world.staff
        )
    assert rows(AccessRequest.objects.all()) == before
    access_requests.access_request_answer(
        request=request,
        decision="refused",
        answer="Identité non justifiée.",
        refusal_ground="third_parties",
        acting_user=world.staff,
    )
    with pytest.raises(ValidationError, match="déjà"):
        access_requests.access_request_answer(
            request=request,
            decision="refused",
            answer="Encore.",
            refusal_ground="third_parties",
            acting_user=world.staff,
        )


def test_open_access_request_keeps_its_recordings_from_the_retention_task(world):
    """A recording a person asked to see waits for the answer; once answered, the retention task destroys it."""
    from mutualis.supervision.models.evidence import Recording

    protected, camera = habilitated_site(site=world.site_a, user=world.staff, retention_days=2)
    start = ago(days=4)
    asked = recording(camera, start=start)
    other = recording(camera, start=start - datetime.timedelta(hours=3))
    request = _request(protected, world.staff, camera, start=start)
    assert run_retention()["recordings"] == 1
    assert list(Recording.objects.values_list("pk", flat=True)) == [asked.pk]
    assert not Recording.objects.filter(pk=other.pk).exists()
    access_requests.access_request_answer(
        request=request, decision="granted", answer="Voici les images.", acting_user=world.staff
    )
    assert run_retention()["recordings"] == 1
    assert not Recording.objects.exists()
