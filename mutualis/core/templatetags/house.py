"""Template filters every app shares: amounts and percentages in French, never wrapped apart from their unit."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

from mutualis.core.money import UNIT_SPACE
from mutualis.core.money import euros as format_euros

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def euros(value: Any) -> str:
    """12 345,60 € (narrow no-break space between thousands, no-break space before €); "" for no value."""
    number = _decimal(value)
    return "" if number is None else format_euros(number)


@register.filter
def percent(value: Any, decimals: int = 0) -> str:
    """A ratio already in percent (85.5) as "85,5 %", the sign kept with its number."""
    number = _decimal(value)
    if number is None:
        return ""
    return f"{number_format(number, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)}{UNIT_SPACE}%"
