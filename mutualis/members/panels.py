"""The members' panel on the public commune page (registered in MembersConfig.ready)."""

from typing import Any

from django.template.loader import render_to_string

from mutualis.core.permissions import is_operator_staff
from mutualis.members import selectors


def commune_members_panel(commune: Any, request: Any) -> str:
    """ "Adhérents et sites dans cette commune", each item shown as far as the viewer may see it ("" when none)."""
    user = getattr(request, "user", None)
    rows = selectors.commune_members(user=user, commune=commune)
    if not rows:
        return ""
    context = {"rows": rows, "staff": is_operator_staff(user)}
    return render_to_string("members/partials/commune_panel.html", context, request=request)
