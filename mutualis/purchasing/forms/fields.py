"""Form fields shared by the purchasing forms and filters."""

from typing import Any

from django import forms


class AmountField(forms.DecimalField):
    """A decimal typed the French way: comma for decimals, spaces between thousands."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace(",", ".")
        return super().to_python(value)
