"""Spreadsheet-friendly CSV downloads shared by every app: UTF-8 with a BOM, semicolons, decimal commas, CRLF —
what a French spreadsheet opens as is."""

import csv
from decimal import Decimal
from typing import Any

from django.http import HttpResponse


def csv_response(filename: str) -> tuple[HttpResponse, Any]:
    """An attachment response named `filename` and a csv writer on it (semicolon-separated, BOM written)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response, delimiter=";", lineterminator="\r\n")


def csv_decimal(value: Decimal | None) -> str:
    """A decimal written the French way (comma), empty when missing."""
    return "" if value is None else str(value).replace(".", ",")
