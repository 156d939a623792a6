"""The fibre panel of the public commune page (registered in FibreConfig.ready)."""

from typing import Any

from django.template.loader import render_to_string

from mutualis.core.permissions import is_operator_staff
from mutualis.fibre.models import DeploymentPlan
from mutualis.fibre.selectors.plans import member_commune_ids
from mutualis.fibre.selectors.progress import commune_progress


def commune_fibre_panel(commune: Any, request: Any) -> str:
    """ "Fibre optique (FTTH)": the commune's deployment as public figures, "" when the commune is not in the plan."""
    if not DeploymentPlan.objects.filter(commune=commune).exists():
        return ""
    user = getattr(request, "user", None)
    staff = is_operator_staff(user)
    own = not staff and member_commune_ids(user=user).filter(pk=commune.pk).exists()
    context = {
        "commune": commune,
        "progress": commune_progress(communes=[commune.pk])[commune.pk],
        "staff": staff,
        "own": own,
    }
    return render_to_string("fibre/partials/commune_panel.html", context, request=request)
