"""Imports of operator files: line by line, all or nothing, idempotent, kept in the history."""

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from mutualis.core.models import AuditEntry
from mutualis.fibre.choices import AddressState, ImportStatus
from mutualis.fibre.models import Address, FibreImport, StagedAddress
from mutualis.fibre.services import imports
from mutualis.fibre.tests.factories import (
    GRACETHD_HEADER,
    AddressFactory,
    PMZoneFactory,
    gracethd_file,
    gracethd_line,
    ipe_file,
    ipe_line,
    network_officer,
    purchasing_officer,
    run_import,
)
from mutualis.members.testing import rows
from mutualis.members.tests.factories import commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(db):
    """Versailles and Viroflay, each with a commissioned PM zone."""
    return {
        "versailles": commune("78646"),
        "viroflay": commune("78686"),
        "pm_v": PMZoneFactory(reference="PM-V", commune=commune("78646")),
        "pm_w": PMZoneFactory(reference="PM-W", commune=commune("78686")),
    }


def three_lines(**changes):
    lines = {
        "AD1": {"pm": "PM-V", "ban": "78646_0010_00001", "hexacle": "7864600001"},
        "AD2": {"pm": "PM-V", "state": "CI", "signed": "", "cabled": "", "dwellings": "4"},
        "AD3": {"insee": "78686", "pm": "PM-W", "business": "2", "dwellings": "0"},
    }
    for code, values in changes.items():
        lines[code] = lines[code] | values
    return gracethd_file(gracethd_line(code, **values) for code, values in lines.items())


def test_a_file_is_imported_with_every_value_and_kept_in_the_history(places):
    """New addresses get their commune, counts, state, dates, PM zone, label; the history counts them as new, with
    the file's SHA-256 and encoding, and the audit log records the import."""
    officer = network_officer()
    data = three_lines()
    done = run_import(data, user=officer, name="livraison.csv")
    assert done.status == ImportStatus.DONE, done.error
    assert (done.lines_read, done.new_count, done.changed_count, done.unchanged_count) == (3, 3, 0, 0)
    assert done.sha256 == hashlib.sha256(data).hexdigest() and done.encoding == "utf-8"
    first = Address.objects.get(code="AD1")
    assert first.commune == places["versailles"] and first.pm_zone == places["pm_v"]
    assert first.ban_id == "78646_0010_00001" and first.hexacle == "7864600001"
    assert first.state == AddressState.DEPLOYED and first.cabled_on.isoformat() == "2025-01-15"
    assert first.label == "1 RUE DE LA MAIRIE" and first.last_import == done
    assert Address.objects.get(code="AD3").business_premises == 2
    entry = AuditEntry.objects.get(action="fibre.import")
    assert entry.actor == officer and entry.after["new"] == 3
    assert not StagedAddress.objects.exists()


def test_the_same_file_twice_changes_nothing(places):
    """Importing a file again counts every line unchanged and leaves every address exactly as it was."""
    data = three_lines()
    first = run_import(data)
    before = rows(Address.objects.all())
    again = run_import(data)
    assert again.status == ImportStatus.DONE
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 3)
    assert rows(Address.objects.all()) == before
    assert set(Address.objects.values_list("last_import", flat=True)) == {first.pk}


def test_a_new_delivery_counts_new_changed_and_unchanged_lines(places):
    """A later file: a line changed (its state and dates), a new line, the others unchanged; only the changed and
    new addresses are written."""
    run_import(three_lines())
    untouched = rows(Address.objects.filter(code="AD1"))
    data = (
        three_lines(AD2={"state": "DE", "signed": "2024-06-01", "cabled": "2025-02-01"})
        + (gracethd_line("AD4", pm="PM-V") + "\n").encode()
    )
    later = run_import(data)
    assert (later.new_count, later.changed_count, later.unchanged_count) == (1, 1, 2)
    assert Address.objects.get(code="AD2").state == AddressState.DEPLOYED
    assert Address.objects.get(code="AD2").last_import == later
    assert rows(Address.objects.filter(code="AD1")) == untouched


def test_a_layout_without_a_column_leaves_that_value_as_it_is(places):
    """An IPE file has no business premises nor BAN id: re-importing an address from it keeps GraceTHD's."""
    run_import(three_lines())
    data = ipe_file([ipe_line("AD3", insee="78686", pm="PM-W", dwellings="0")])
    done = run_import(data, layout="ipe")
    assert done.status == ImportStatus.DONE, done.rejected_lines
    address = Address.objects.get(code="AD3")
    assert address.business_premises == 2
    assert done.unchanged_count + done.changed_count == 1


def test_a_windows_1252_file_keeps_its_accents(places):
    """An IPE file saved by a spreadsheet in Windows-1252 imports with its accented street names intact."""
    data = ipe_file([ipe_line("IMB1", pm="PM-V", street="DE L'ÉGLISE SAINT-SYMPHORIEN")], encoding="cp1252")
    done = run_import(data, layout="ipe")
    assert done.status == ImportStatus.DONE and done.encoding == "cp1252"
    assert Address.objects.get(code="IMB1").label == "1 RUE DE L'ÉGLISE SAINT-SYMPHORIEN"


def test_a_utf8_file_with_a_bom_is_read(places):
    """UTF-8 with a byte order mark (as Excel writes it): the BOM is not part of the first column's name."""
    done = run_import(b"\xef\xbb\xbf" + three_lines())
    assert done.status == ImportStatus.DONE and done.encoding == "utf-8-sig"


BAD_FILES = {
    "wrong columns": (ipe_file([ipe_line("IMB1")]), "Colonnes obligatoires absentes"),
    "utf-16": (gracethd_file([gracethd_line("AD9")], encoding="utf-16"), "UTF-16"),
    "two encodings": (
        gracethd_file([gracethd_line("AD9", street="RUE DE L'ÉGLISE")] * 1)
        + ("x" * 70_000).encode()
        + gracethd_line("AD8", street="RUE DE LA FORÊT").encode("cp1252"),
        "mélange deux encodages",
    ),
    "unknown commune": (three_lines(AD2={"insee": "99999"}), "Commune inconnue"),
    "invalid state": (three_lines(AD2={"state": "DEPLOYEE"}), "État inconnu"),
    "dates out of order": (three_lines(AD1={"signed": "2025-06-01"}), "Dates dans le désordre"),
    "duplicate": (three_lines() + (gracethd_line("AD2", state="CI", cabled="") + "\n").encode(), "en double"),
    "unknown PM": (three_lines(AD1={"pm": "PM-XX"}), "Zone PM inconnue"),
    "empty": (b"", "vide"),
    "header only": (gracethd_file([]), "Aucune ligne"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_imports_nothing_and_says_why(places, case):
    """Wrong columns, wrong encoding, unknown commune, invalid state, dates out of order, duplicates, unknown PM,
    an empty file: the import is refused with a French reason, kept in the history, and nothing is written."""
    AddressFactory(code="AD1", pm_zone=places["pm_v"], label="AVANT")
    before = rows(Address.objects.all())
    data, reason = BAD_FILES[case]
    refused = run_import(data)
    assert refused.status == ImportStatus.FAILED
    report = refused.error + " ".join(line["reason"] for line in refused.rejected_lines)
    assert reason in report
    assert rows(Address.objects.all()) == before
    assert (refused.new_count, refused.changed_count, refused.unchanged_count) == (0, 0, 0)
    assert not StagedAddress.objects.exists()
    assert FibreImport.objects.filter(pk=refused.pk).exists()


def test_a_rejected_line_is_reported_with_its_number_and_reason(places):
    """The report lists each rejected line: number in the file (header = 1), column, value and reason."""
    refused = run_import(three_lines(AD3={"insee": "78999"}))
    assert refused.rejected_count == 1
    assert refused.rejected_lines == [
        {"line": 4, "column": "ad_insee", "value": "78999", "reason": "Commune inconnue : code INSEE « 78999 »."}
    ]
    assert "1 ligne(s) rejetée(s) : rien n'a été importé" in refused.error


def test_a_state_going_back_is_rejected(places):
    """A deployed address that a later file says is targeted again is rejected (choices.ADDRESS_TRANSITIONS)."""
    run_import(three_lines())
    refused = run_import(three_lines(AD1={"state": "EC", "cabled": ""}))
    assert refused.status == ImportStatus.FAILED
    assert refused.rejected_lines[0]["reason"] == (
        "L'état ne revient pas en arrière : « Déployé » ne devient pas « En cours de déploiement »."
    )
    assert Address.objects.get(code="AD1").state == AddressState.DEPLOYED


def test_duplicates_name_the_line_they_repeat(places):
    """A repeated identifier is rejected on its second line, naming the first."""
    refused = run_import(gracethd_file([gracethd_line("AD1"), gracethd_line("AD2"), gracethd_line("AD1")]))
    assert refused.rejected_lines == [
        {"line": 4, "column": "ad_code", "value": "AD1", "reason": "Identifiant en double : déjà ligne 2."}
    ]


def test_the_report_keeps_its_first_lines_and_counts_them_all(places, monkeypatch):
    """A file full of bad lines: the report keeps the first reasons, the count covers every rejected line."""
    monkeypatch.setattr(imports, "REPORT_LIMIT", 5)
    refused = run_import(gracethd_file(gracethd_line(f"AD{n}", insee="99999") for n in range(40)))
    assert refused.rejected_count == 40 and len(refused.rejected_lines) == 5


def test_a_file_is_checked_and_staged_in_batches(places, monkeypatch):
    """A file longer than a batch is staged batch by batch (the progress is committed after each) and imported."""
    monkeypatch.setattr(imports, "BATCH_LINES", 7)
    progress = []
    stage = imports._Run.stage

    def spy(run, batch):
        stage(run, batch)
        progress.append(FibreImport.objects.get(pk=run.fibre_import.pk).lines_read)

    monkeypatch.setattr(imports._Run, "stage", spy)
    done = run_import(gracethd_file(gracethd_line(f"AD{n:03d}", pm="PM-V") for n in range(30)))
    assert done.new_count == 30
    assert progress == [7, 14, 21, 28, 30]


def test_running_an_import_twice_runs_it_once(places):
    """The task may run twice: a finished import is returned as it is."""
    done = run_import(three_lines())
    again = imports.import_run(fibre_import=done, stream=io.BytesIO(b"garbage"))
    assert again.status == ImportStatus.DONE and again.new_count == 3


def test_addresses_changed_during_the_check_refuse_the_import(places, monkeypatch):
    """If addresses change between the check and the writing (another import), nothing is written."""
    run_import(three_lines())
    classify = imports._Run.classify

    def meanwhile(run):
        classify(run)
        Address.objects.filter(code="AD1").update(label="CHANGÉ ENTRE-TEMPS", updated_at=timezone.now())

    monkeypatch.setattr(imports._Run, "classify", meanwhile)
    refused = run_import(three_lines(AD2={"dwellings": "5"}))
    assert refused.status == ImportStatus.FAILED and "relancez" in refused.error
    assert Address.objects.get(code="AD2").dwellings == 4


def test_only_network_officers_import(places):
    """Other operator staff may not import a file; nothing is kept."""
    with pytest.raises(PermissionDenied):
        imports.import_submit(
            layout="gracethd", file=SimpleUploadedFile("f.csv", three_lines()), acting_user=purchasing_officer()
        )
    assert not FibreImport.objects.exists()


def test_an_uploaded_file_is_imported_by_the_task_after_commit(
    places, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The upload is kept, the task queued after commit runs the import (inline in tests) and deletes the file."""
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        submitted = imports.import_submit(
            layout="gracethd", file=SimpleUploadedFile("livraison.csv", three_lines()), acting_user=network_officer()
        )
        assert submitted.status == ImportStatus.PENDING and submitted.upload
    submitted.refresh_from_db()
    assert submitted.status == ImportStatus.DONE and submitted.new_count == 3
    assert not submitted.upload and not list(tmp_path.rglob("*.csv"))


def test_the_command_imports_a_file_and_says_what_changed(places, tmp_path):
    """`import_fibre FILE --format gracethd` imports and prints the counts; run again, everything is unchanged."""
    path = tmp_path / "t_adresse.csv"
    path.write_bytes(three_lines())
    out = io.StringIO()
    call_command("import_fibre", str(path), "--format", "gracethd", stdout=out)
    assert "3 nouvelles" in out.getvalue()
    call_command("import_fibre", str(path), "--format", "gracethd", stdout=out)
    assert "3 inchangées" in out.getvalue()
    assert FibreImport.objects.filter(origin="command").count() == 2


def test_the_command_fails_on_a_bad_file_and_writes_nothing(places, tmp_path):
    """A rejected line makes the command fail (non-zero exit: CommandError) with the reasons; nothing is written."""
    path = tmp_path / "t_adresse.csv"
    path.write_bytes(three_lines(AD2={"state": "??"}))
    err = io.StringIO()
    with pytest.raises(CommandError, match="refusé"):
        call_command("import_fibre", str(path), "--format", "gracethd", stderr=err)
    assert "ligne 3" in err.getvalue() and "État inconnu" in err.getvalue()
    assert not Address.objects.exists()


def test_the_command_refuses_an_unknown_format(tmp_path):
    """--format accepts ipe and gracethd only."""
    path = tmp_path / "f.csv"
    path.write_text(GRACETHD_HEADER)
    with pytest.raises(CommandError):
        call_command("import_fibre", str(path), "--format", "excel")


def test_an_unexpected_error_refuses_the_import_instead_of_leaving_it_running(places, monkeypatch):
    """A bug during an import marks it refused (nothing written) and is raised for the worker's log."""

    def broken(run):
        raise RuntimeError("bug")

    monkeypatch.setattr(imports._Run, "apply", broken)
    with pytest.raises(RuntimeError):
        run_import(three_lines())
    fibre_import = FibreImport.objects.get()
    assert fibre_import.status == ImportStatus.FAILED and "Erreur inattendue" in fibre_import.error
    assert not Address.objects.exists() and not StagedAddress.objects.exists()
