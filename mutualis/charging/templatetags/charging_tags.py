"""Template filters of the charging pages: energies and powers as the French write them."""

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def kwh(wh: Any) -> str:
    """An energy in Wh as kWh with three decimals (« 12,345 kWh »); « — » when unknown."""
    if wh is None or wh == "":
        return "—"
    return f"{number_format(float(wh) / 1000, 3, use_l10n=True)}\u00a0kWh"


@register.filter
def kw(w: Any) -> str:
    """A power in W as kW with one decimal (« 7,4 kW »); « — » when unknown."""
    if w is None or w == "":
        return "—"
    return f"{number_format(float(w) / 1000, 1, use_l10n=True)}\u00a0kW"


@register.filter
def duration(seconds: Any) -> str:
    """A duration in seconds as « 1 h 05 » or « 12 min »."""
    if seconds is None:
        return "—"
    minutes = int(seconds // 60)
    return f"{minutes // 60}\u00a0h\u00a0{minutes % 60:02d}" if minutes >= 60 else f"{minutes}\u00a0min"


@register.filter
def ratio_percent(value: Any) -> str:
    """A ratio (0.125) as a French percentage with one decimal (« 12,5 % »)."""
    if value is None:
        return "—"
    return f"{number_format(float(value) * 100, 1, use_l10n=True)}\u00a0%"
