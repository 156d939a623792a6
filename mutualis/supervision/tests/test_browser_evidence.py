"""Browser: a requisition with a signed evidence export — the habilitated operator records the requisition, adds
the camera and period, extracts the images, confirms the handover and downloads the ZIP that verifies. Every page
passes axe-core."""

import datetime

import pytest
from django.utils.timezone import localtime
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.testing import build_world
from mutualis.supervision.models.evidence import Requisition
from mutualis.supervision.services import evidence
from mutualis.supervision.tests.evidence_factories import ago, habilitated_site, isolate_files, recording
from mutualis.supervision.tests.factories import supervision_operator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_requisition_with_a_signed_evidence_export(page, settings, tmp_path):
    """Requisition → range → extraction (legal hold) → confirmed handover → signed ZIP that evidence_verify accepts."""
    isolate_files(settings, tmp_path)
    world = build_world()
    operator = supervision_operator()
    protected, camera = habilitated_site(site=world.site_a, user=operator)
    start = ago(hours=2)
    recording(camera, start=start)
    login(page, email=operator.email, password=PASSWORD, totp_device=totp_device_for(operator))

    page.goto("/supervision/requisitions/")
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name="Enregistrer une réquisition"))
    page.get_by_label("Site protégé").select_option(str(protected.pk))
    page.get_by_label("Numéro de la réquisition").fill("PV-2026-0456")
    page.get_by_label("Fondement").select_option("cpp_60_1")
    page.get_by_label("Officier requérant (nom)").fill("Lt Martin")
    page.get_by_label("Qualité de l'officier").fill("OPJ")
    page.get_by_label("Service requérant").fill("Commissariat de Versailles")
    page.get_by_label("Reçue le").fill(f"{datetime.date.today():%Y-%m-%d}")
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_role("heading", name="Réquisition PV-2026-0456")).to_be_visible()

    page.get_by_label("Caméra").select_option(str(camera.pk))
    page.get_by_label("Du").fill(f"{localtime(start):%Y-%m-%dT%H:%M}")
    page.get_by_label("Au").fill(f"{localtime(start + datetime.timedelta(minutes=8)):%Y-%m-%dT%H:%M}")
    click_and_wait(page, page.get_by_role("button", name="Ajouter la période"))
    click_and_wait(page, page.get_by_role("button", name="Extraire les images"))
    expect(page.get_by_text("1 élément(s) de preuve extrait(s), sous conservation judiciaire.")).to_be_visible()
    axe_check(page)

    page.get_by_label("Support").select_option("usb")
    page.get_by_label("Remis à (nom)").fill("Lt Martin")
    page.get_by_label("Qualité du destinataire").fill("OPJ")
    click_and_wait(page, page.get_by_role("button", name="Remettre les images"))
    expect(page.get_by_text("Confirmez la remise : elle est définitive et inscrite au registre.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Je confirme la remise de ces images").check()
    click_and_wait(page, page.get_by_role("button", name="Remettre les images"))
    expect(page.locator("#requisition-status")).to_have_text("Remise effectuée")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger l'export signé (ZIP)").click()
    path = tmp_path / "export.zip"
    download_info.value.save_as(path)
    report = evidence.verify_export(archive_file=path)
    assert report.ok and len(report.checked) == 1
    assert Requisition.objects.get(number="PV-2026-0456").evidence.get().legal_hold
    axe_check(page)

    page.goto("/supervision/registre/")
    expect(page.get_by_role("cell", name="Lt Martin (OPJ), Commissariat de Versailles")).to_be_visible()
    axe_check(page)
    page.goto("/supervision/preuves/cle-publique/")
    expect(page.locator("#fingerprint")).to_have_text(evidence.public_key_fingerprint())
    axe_check(page)
