"""Evidence services: a requisition → extraction (legal hold) → confirmed handover → signed ZIP that
`evidence_verify` accepts, and names the file altered afterwards; habilitation enforced; legal hold and register."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from mutualis.core.models import AuditEntry
from mutualis.members.testing import rows
from mutualis.supervision.models.evidence import EvidenceItem, Handover, RegisterEntry, Requisition
from mutualis.supervision.services import evidence, requisitions
from mutualis.supervision.tests.evidence_factories import ago, habilitated_site, isolate_files, recording
from mutualis.supervision.tests.factories import supervision_operator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    isolate_files(settings, tmp_path)


@pytest.fixture
def scene(world):
    protected, camera = habilitated_site(site=world.site_a, user=world.staff)
    start = ago(hours=3)
    first = recording(camera, start=start)
    second = recording(camera, start=start + datetime.timedelta(minutes=10))
    return protected, camera, start, (first, second)


def _requisition(protected, user, **overrides):
    fields = {
        "number": "PV-2026-00123",
        "legal_basis": "cpp_77_1_1",
        "officer_name": "Lt Martin",
        "officer_quality": "OPJ",
        "service": "Commissariat de Versailles",
        "received_on": datetime.date.today(),
    } | overrides
    return requisitions.requisition_create(protected_site=protected, acting_user=user, **fields)


def _handed_over(world, scene, tmp_path):
    protected, camera, start, _ = scene
    requisition = _requisition(protected, world.staff)
    requisitions.requisition_range_add(
        requisition=requisition,
        device=camera,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=15),
        acting_user=world.staff,
    )
    items = requisitions.requisition_extract(requisition=requisition, acting_user=world.staff)
    handover = requisitions.requisition_handover(
        requisition=requisition,
        support="usb",
        recipient_name="Lt Martin",
        recipient_quality="OPJ",
        confirm=True,
        acting_user=world.staff,
    )
    path = tmp_path / "export.zip"
    path.write_bytes(evidence.read_stored(handover.export))
    return requisition, items, handover, path


def test_requisition_extraction_and_signed_export_verified(world, scene, tmp_path):
    """A requisition's ranges are extracted into evidence on legal hold; the handover's ZIP holds the files, a
    manifest with each SHA-256 and the chain of custody, signed by the platform's key; evidence_verify accepts it."""
    requisition, items, handover, path = _handed_over(world, scene, tmp_path)
    assert len(items) == 2 and all(i.legal_hold for i in items)
    assert {i.source_sha256 for i in items} == {r.sha256 for r in scene[3]}
    requisition.refresh_from_db()
    assert requisition.status == "handed_over"
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert "manifest.json.sig" in archive.namelist()
    assert manifest["requisition"]["number"] == "PV-2026-00123"
    assert [f["sha256"] for f in manifest["files"]] == [i.sha256 for i in items]
    assert [s["action"] for s in manifest["chain_of_custody"]] == [
        "Réquisition enregistrée",
        "Extraction",
        "Extraction",
        "Remise",
    ]
    out = io.StringIO()
    call_command("evidence_verify", str(path), stdout=out)
    assert "Export intact : 2 fichier(s) vérifié(s)." in out.getvalue()
    kinds = set(RegisterEntry.objects.values_list("kind", flat=True))
    assert {"recording", "extraction", "transmission"} <= kinds
    transmission = RegisterEntry.objects.get(kind="transmission")
    assert "Lt Martin" in transmission.recipient and transmission.sha256 == handover.export_sha256
    assert AuditEntry.objects.filter(action="supervision.evidence_export").count() == 2


def test_tampered_file_is_named_and_exit_code_non_zero(world, scene, tmp_path):
    """Changing one file of the export breaks its digest: evidence_verify names that file and fails."""
    _, _, _, path = _handed_over(world, scene, tmp_path)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tampered, "w") as target:
        names = source.namelist()
        victim = next(n for n in names if n.startswith("fichiers/"))
        for name in names:
            data = source.read(name)
            target.writestr(name, data + b"altered" if name == victim else data)
    out = io.StringIO()
    with pytest.raises(CommandError, match=victim):
        call_command("evidence_verify", str(tampered), stdout=out)
    assert f"ALTÉRÉ   {victim}" in out.getvalue()


def test_forged_manifest_fails_the_signature(world, scene, tmp_path):
    """Rewriting the manifest to match altered files is caught: the signature no longer verifies."""
    _, _, _, path = _handed_over(world, scene, tmp_path)
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(forged, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "manifest.json":
                data = data.replace(b"Lt Martin", b"Lt Dupont")
            target.writestr(name, data)
    report = evidence.verify_export(archive_file=forged)
    assert not report.signature_valid and not report.ok


def test_published_public_key_verifies_without_the_platform(world, scene, tmp_path):
    """A court verifies with the published PEM: evidence_verify --public-key."""
    _, _, _, path = _handed_over(world, scene, tmp_path)
    pem = tmp_path / "cle.pem"
    pem.write_text(evidence.public_key_pem())
    call_command("evidence_verify", str(path), "--public-key", str(pem), stdout=io.StringIO())


def test_handover_needs_confirmation_and_changes_nothing_without(world, scene):
    """The handover is confirmed first: without it, nothing is handed over or registered."""
    protected, camera, start, _ = scene
    requisition = _requisition(protected, world.staff)
    requisitions.requisition_range_add(
        requisition=requisition,
        device=camera,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=5),
        acting_user=world.staff,
    )
    requisitions.requisition_extract(requisition=requisition, acting_user=world.staff)
    before = (Handover.objects.count(), RegisterEntry.objects.filter(kind="transmission").count())
    with pytest.raises(ValidationError) as caught:
        requisitions.requisition_handover(
            requisition=requisition,
            support="usb",
            recipient_name="Lt Martin",
            recipient_quality="OPJ",
            confirm=False,
            acting_user=world.staff,
        )
    assert "confirm" in caught.value.message_dict
    assert (Handover.objects.count(), RegisterEntry.objects.filter(kind="transmission").count()) == before


def test_requisition_refused_without_legal_basis_or_habilitation(world, scene):
    """A requisition rests on CPP 60-1/77-1-1/99-3; an operator not habilitated for the site's images cannot
    record one; nothing is written either way."""
    protected = scene[0]
    with pytest.raises(ValidationError) as caught:
        _requisition(protected, world.staff, legal_basis="autre")
    assert "legal_basis" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        _requisition(protected, supervision_operator("autre@operateur.example.fr"))
    assert not Requisition.objects.exists()


def test_extraction_of_destroyed_period_is_refused(world, scene):
    """No recording for the range (destroyed or never made): the extraction says so and writes nothing."""
    protected, camera, start, _ = scene
    requisition = _requisition(protected, world.staff)
    requisitions.requisition_range_add(
        requisition=requisition,
        device=camera,
        starts_at=start - datetime.timedelta(days=2),
        ends_at=start - datetime.timedelta(days=2) + datetime.timedelta(hours=1),
        acting_user=world.staff,
    )
    with pytest.raises(ValidationError, match="Aucun enregistrement"):
        requisitions.requisition_extract(requisition=requisition, acting_user=world.staff)
    assert not EvidenceItem.objects.exists()


def test_altered_recording_is_not_extracted(world, scene):
    """A recording whose stored file no longer matches its digest is not copied as evidence."""
    protected, camera, start, (first, _) = scene
    with open(first.file.path, "ab") as handle:
        handle.write(b"x")
    requisition = _requisition(protected, world.staff)
    requisitions.requisition_range_add(
        requisition=requisition,
        device=camera,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=5),
        acting_user=world.staff,
    )
    with pytest.raises(ValidationError, match="altéré"):
        requisitions.requisition_extract(requisition=requisition, acting_user=world.staff)
    assert rows(EvidenceItem.objects.all()) == []


def test_signing_key_made_once_with_private_mode(settings):
    """The platform key is generated on first use, kept (same key after), readable by its owner only."""
    first = evidence.public_key_pem()
    assert evidence.public_key_pem() == first
    path = evidence.signing_key_path()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
