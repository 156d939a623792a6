"""BPU import: every line checked with a French report, a preview that writes nothing, all lines or none."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.purchasing import pricing
from mutualis.purchasing.models import CatalogueItem, ItemPrice
from mutualis.purchasing.services.bpu_import import bpu_import, bpu_preview
from mutualis.purchasing.tests.factories import CatalogueItemFactory, LotFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "Référence",
    "Désignation",
    "Description",
    "Catégorie",
    "Unité",
    "Prix unitaire HT",
    "Taux de TVA",
    "Prix public HT",
]


def xlsx_file(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "bpu.xlsx"
    return buffer


def csv_file(text, *, bom=False):
    data = ("\ufeff" if bom else "") + text
    buffer = io.BytesIO(data.encode("utf-8"))
    buffer.name = "bpu.csv"
    return buffer


def test_good_xlsx_is_imported_with_prices_from_the_agreement_start():
    """A valid XLSX BPU creates its items, each priced from the agreement's start date."""
    lot = LotFactory()
    rows = [
        ["TAB-10", "Tablette 10 pouces", "64 Go", "Tablettes et ordinateurs", "unité", 289.9, 20, 399],
        ["MIC-1", "Micro-cravate", "", "audio", "unité", 45, 0.2, None],
        ["ROB-1", "Robot éducatif", "", "Robots et programmation", "", "119,50", "5,5", "150"],
    ]
    preview = bpu_preview(lot=lot, file=xlsx_file(rows))
    assert preview.is_valid and preview.to_create() == 3 and CatalogueItem.objects.count() == 0
    report = bpu_import(lot=lot, file=xlsx_file(rows), acting_user=StaffFactory())
    assert (report.created, report.updated) == (3, 0)
    tablet = CatalogueItem.objects.get(reference="TAB-10")
    assert pricing.item_price_on(tablet, lot.agreement.start_date) == Decimal("289.9")
    assert tablet.list_price_ht == Decimal("399")
    assert CatalogueItem.objects.get(reference="MIC-1").vat_rate == Decimal("20.00")
    robot = CatalogueItem.objects.get(reference="ROB-1")
    assert (robot.vat_rate, robot.unit, robot.category) == (Decimal("5.50"), "unité", "robot")


def test_import_updates_items_by_reference_and_accepts_a_price_date():
    """A reference already in the lot is updated; its new price applies from the date given."""
    item = CatalogueItemFactory(reference="TAB-10", price=Decimal("300"))
    csv_text = "référence;désignation;catégorie;prix unitaire HT\nTAB-10;Tablette v2;tablet;1 250,00\n"
    report = bpu_import(
        lot=item.lot,
        file=csv_file(csv_text, bom=True),
        acting_user=StaffFactory(),
        price_from=datetime.date(2026, 3, 1),
    )
    assert (report.created, report.updated) == (0, 1)
    item.refresh_from_db()
    assert item.label == "Tablette v2"
    assert pricing.item_price_on(item, datetime.date(2026, 2, 28)) == Decimal("300")
    assert pricing.item_price_on(item, datetime.date(2026, 3, 1)) == Decimal("1250.00")


def test_bad_csv_gives_a_report_and_imports_nothing():
    """A bad price, an unknown category and a duplicate reference are reported by line and column, in French,
    and not a single line is imported."""
    lot = LotFactory()
    csv_text = (
        "reference,designation,categorie,prix unitaire HT,taux de TVA\n"
        "A-1,Tablette,tablet,300,20\n"
        "A-2,Micro,audio,douze,20\n"
        "A-3,Chaise,mobilier martien,40,20\n"
        "A-1,Tablette bis,tablet,310,20\n"
    )
    preview = bpu_preview(lot=lot, file=csv_file(csv_text))
    found = {(error.line, error.column) for error in preview.errors}
    assert found == {(3, "prix unitaire HT"), (4, "catégorie"), (5, "référence")}
    assert any("Nombre invalide" in error.reason for error in preview.errors)
    assert any("Catégorie inconnue" in error.reason for error in preview.errors)
    assert any("double" in error.reason for error in preview.errors)
    with pytest.raises(ValidationError) as caught:
        bpu_import(lot=lot, file=csv_file(csv_text), acting_user=StaffFactory())
    assert len(caught.value.report.errors) == 3
    assert CatalogueItem.objects.count() == 0
    assert ItemPrice.objects.count() == 0


def test_missing_column_and_unreadable_file_are_reported():
    """A file without a required column, or that is not a spreadsheet, is refused with a clear reason."""
    lot = LotFactory()
    report = bpu_preview(lot=lot, file=csv_file("référence;désignation\nA;B\n"))
    assert {error.column for error in report.errors} == {"catégorie", "prix unitaire HT"}
    broken = io.BytesIO(b"PK\x03\x04 not a zip")
    broken.name = "bpu.xlsx"
    report = bpu_preview(lot=lot, file=broken)
    assert report.errors and "XLSX" in report.errors[0].reason
    report = bpu_preview(lot=lot, file=io.BytesIO("é".encode("latin-1") + b";x\n"))
    assert "UTF-8" in report.errors[0].reason
