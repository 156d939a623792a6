"""Browser: the right of access with third parties masked — the operator draws a region on the picture (the fields
fill in), adds a second one with the keyboard-usable fields, sees the masked preview, then grants; the export holds
the masked file and verifies. Every page passes axe-core, without a CSP violation."""

import json
import zipfile

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.testing import build_world
from mutualis.supervision.models.masking import MaskedCopy
from mutualis.supervision.services import evidence
from mutualis.supervision.tests.evidence_factories import isolate_files
from mutualis.supervision.tests.factories import supervision_operator
from mutualis.supervision.tests.masking_factories import noisy_image, open_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draw_type_preview_and_grant_a_masked_export(page, settings, tmp_path):
    """Draw → fields filled; a typed second zone; preview of the masked copy; grant; the ZIP holds the copy."""
    isolate_files(settings, tmp_path)
    world = build_world()
    operator = supervision_operator()
    request, rec = open_request(world, content=noisy_image(400, 200), user=operator)
    login(page, email=operator.email, password=PASSWORD, totp_device=totp_device_for(operator))

    page.goto(f"/supervision/demandes-acces/{request.pk}/")
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name="Occulter les tiers"))
    expect(page.get_by_role("heading", name="Occulter les tiers — Caméra parvis")).to_be_visible()
    image = page.locator("[data-masking-image]")
    expect(image).to_have_js_property("complete", True)
    box = image.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.up()
    expect(page.locator("#id_regions-0-w")).not_to_have_value("")
    assert 9 <= float(page.locator("#id_regions-0-x").input_value()) <= 11
    assert 29 <= float(page.locator("#id_regions-0-h").input_value()) <= 31
    expect(page.locator("[data-masking-overlay] rect")).to_have_count(1)

    page.get_by_role("button", name="Ajouter une zone").click()
    expect(page.locator("#id_regions-1-x")).to_be_focused()
    page.keyboard.type("60")
    page.locator("#id_regions-1-y").fill("10")
    page.locator("#id_regions-1-w").fill("20")
    page.locator("#id_regions-1-h").fill("20")
    expect(page.locator("[data-masking-overlay] rect")).to_have_count(2)
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Occulter et voir l'aperçu"))
    expect(page.get_by_text("Copie occultée enregistrée")).to_be_visible()
    expect(page.locator("[data-masking-preview]")).to_have_js_property("naturalWidth", 400)
    copy = MaskedCopy.objects.get()
    assert len(copy.regions) == 2
    axe_check(page)

    click_and_wait(page, page.get_by_role("link", name="Retour à la demande d'accès de Mme Durand"))
    expect(page.get_by_role("cell", name="2 zones occultées (aplat opaque)")).to_be_visible()
    page.locator("#id_decision").select_option("granted")
    page.get_by_label("Des tiers apparaissent sur les images").check()
    page.get_by_label("Texte de la réponse").fill("Voici les images vous concernant, les tiers occultés.")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer la réponse"))
    expect(page.get_by_text("Réponse enregistrée et inscrite au registre.")).to_be_visible()
    axe_check(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger l'export remis (ZIP signé)").click()
    path = tmp_path / "acces.zip"
    download_info.value.save_as(path)
    assert evidence.verify_export(archive_file=path).ok
    with zipfile.ZipFile(path) as archive:
        (entry,) = json.loads(archive.read("manifest.json"))["files"]
        assert archive.read(entry["path"]) == evidence.read_stored(copy.file)
    assert entry["masking"]["original_sha256"] == rec.sha256
