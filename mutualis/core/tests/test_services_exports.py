"""CSV downloads open as is in a French spreadsheet."""

from decimal import Decimal

from mutualis.core.exports import csv_decimal, csv_response


def test_csv_response_is_a_semicolon_attachment_with_bom():
    """UTF-8 with a BOM, semicolons, CRLF, sent as an attachment under the given name."""
    response, writer = csv_response("adherents.csv")
    writer.writerow(["Dénomination", csv_decimal(Decimal("1234.50"))])
    assert response["Content-Disposition"] == 'attachment; filename="adherents.csv"'
    assert response.content.decode("utf-8") == "\ufeffDénomination;1234,50\r\n"


def test_csv_decimal_leaves_missing_values_empty():
    """A missing amount is an empty cell, not "None"."""
    assert csv_decimal(None) == ""
