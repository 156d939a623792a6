"""Retention (CSI L252-5, register CSI L252-3): the scheduled task destroys what is past its site's authorised
retention, keeps what is on legal hold, and registers every destruction."""

import datetime
import os

import pytest
from django.utils import timezone

from mutualis.core.models import AuditEntry
from mutualis.supervision.models.evidence import EvidenceItem, Recording, RegisterEntry
from mutualis.supervision.services import evidence
from mutualis.supervision.tasks_evidence import evidence_retention, run_retention
from mutualis.supervision.tests.evidence_factories import ago, habilitated_site, isolate_files, recording

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    isolate_files(settings, tmp_path)


def test_retention_task_destroys_expired_keeps_held_and_registers(world):
    """Past the site's 10 days: the recording and the unheld evidence are deleted (files too) and each destruction
    is registered; the held recording and the evidence under requisition stay; a recent recording stays."""
    protected, camera = habilitated_site(site=world.site_a, user=world.staff, retention_days=10)
    old = recording(camera, start=ago(days=12))
    held = recording(camera, start=ago(days=12, minutes=30))
    recent = recording(camera, start=ago(days=2))
    evidence.legal_hold_set(obj=held, hold=True, reason="Plainte n° 2026/77", acting_user=world.staff)
    loose = evidence.evidence_store(
        protected_site=protected,
        content=b"jpeg",
        filename="vignette.jpg",
        content_type="image/jpeg",
        kind="snapshot",
        device=camera,
        starts_at=ago(days=11),
        ends_at=ago(days=11),
    )
    kept = evidence.evidence_store(
        protected_site=protected,
        content=b"clip",
        filename="extrait.mp4",
        content_type="video/mp4",
        kind="extract",
        device=camera,
        starts_at=ago(days=11),
        ends_at=ago(days=11),
        legal_hold=True,
    )
    old_path = old.file.path
    result = run_retention()
    assert result == {"recordings": 1, "evidence": 1}
    assert set(Recording.objects.values_list("pk", flat=True)) == {held.pk, recent.pk}
    assert list(EvidenceItem.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not os.path.exists(old_path)
    destroyed = RegisterEntry.objects.filter(kind="destruction")
    assert {d.reference for d in destroyed} == {f"recording:{old.pk}", f"evidenceitem:{loose.pk}"}
    assert destroyed.get(reference=f"recording:{old.pk}").sha256 == old.sha256
    assert AuditEntry.objects.filter(action="supervision.recording_destroy").count() == 1
    # A second pass has nothing left to do.
    assert run_retention() == {"recordings": 0, "evidence": 0}


def test_retention_follows_each_site_authorisation(world):
    """Each site's own retention applies: 5 days here, 30 there."""
    short_site, short_cam = habilitated_site(site=world.site_a, user=world.staff, retention_days=5)
    long_site, long_cam = habilitated_site(site=world.site_b, user=world.staff, retention_days=30)
    recording(short_cam, start=ago(days=6))
    kept = recording(long_cam, start=ago(days=6))
    run_retention()
    assert list(Recording.objects.values_list("pk", flat=True)) == [kept.pk]


def test_retention_task_runs_on_the_worker(world):
    """The purge is a django-tasks task: enqueued, it runs (immediate backend in tests) and destroys."""
    _, camera = habilitated_site(site=world.site_a, user=world.staff, retention_days=1)
    recording(camera, start=ago(days=3))
    result = evidence_retention.enqueue()
    assert result.return_value == {"recordings": 1, "evidence": 0}
    assert not Recording.objects.exists()


def test_retention_command_runs_one_purge(world):
    """`manage.py evidence_retention` destroys, once, what is past retention and says how much."""
    import io

    from django.core.management import call_command

    _, camera = habilitated_site(site=world.site_a, user=world.staff, retention_days=1)
    recording(camera, start=ago(days=3))
    out = io.StringIO()
    call_command("evidence_retention", stdout=out)
    assert out.getvalue().strip() == "Détruits : 1 enregistrement(s), 0 preuve(s)."
    assert not Recording.objects.exists()


def test_release_of_hold_lets_retention_run(world):
    """Once the proceeding no longer needs it, the hold is lifted (registered) and the next purge destroys it."""
    _, camera = habilitated_site(site=world.site_a, user=world.staff, retention_days=3)
    held = recording(camera, start=ago(days=5))
    evidence.legal_hold_set(obj=held, hold=True, reason="Enquête", acting_user=world.staff)
    assert run_retention()["recordings"] == 0
    evidence.legal_hold_set(obj=held, hold=False, reason="Classement sans suite", acting_user=world.staff)
    assert run_retention()["recordings"] == 1
    assert RegisterEntry.objects.filter(kind="hold").count() == 2
    assert timezone.now() - RegisterEntry.objects.filter(kind="destruction").get().at < datetime.timedelta(minutes=5)
