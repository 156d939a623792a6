"""The « Prêts » panel of the asset page (registered in EducationConfig.ready)."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from mutualis.education.permissions import can_manage_education
from mutualis.education.rules import LENDABLE_KINDS
from mutualis.education.selectors.loans import asset_loans


def asset_loans_panel(asset: Any, request: Any) -> str:
    """ "Prêts": the asset's loans the viewer may read, and a link to lend it; "" for a device never lent out."""
    if asset.kind not in LENDABLE_KINDS:
        return ""
    user = getattr(request, "user", None)
    loans = list(asset_loans(user=user, asset=asset)[:20])
    can_lend = can_manage_education(user)
    if not loans and not can_lend:
        return ""
    context = {"asset": asset, "loans": loans, "can_lend": can_lend, "today": timezone.localdate()}
    return render_to_string("education/loans/asset_panel.html", context, request=request)
