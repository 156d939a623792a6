"""Template filters of the fibre pages."""

import datetime
from typing import Any

from django import template

register = template.Library()


@register.filter
def days_late(zone: Any, day: datetime.date) -> int:
    """How many days a PM zone is past its planned commissioning date on `day` (0 when it is not late)."""
    return zone.days_late(day)
