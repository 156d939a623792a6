"""Amounts in euros: rounding to the cent and French display (12 345,60 €)."""

from decimal import Decimal

CENT = Decimal("0.01")
# French typography: a narrow no-break space between thousands, a no-break space before the unit, so that "€" or
# "%" never wraps alone onto the next line.
THOUSANDS_SEPARATOR = "\u202f"
UNIT_SPACE = "\u00a0"


def euros(value: Decimal | int | float) -> str:
    """A French amount: 12 345,60 € (never split across lines)."""
    text = f"{Decimal(value).quantize(CENT):,.2f}".replace(",", THOUSANDS_SEPARATOR).replace(".", ",")
    return f"{text}{UNIT_SPACE}€"
