"""The purchasing panel of the public commune page (registered in PurchasingConfig.ready)."""

from typing import Any

from django.template.loader import render_to_string

from mutualis.purchasing.selectors.dashboards import commune_purchasing_summary


def commune_purchasing_panel(commune: Any, request: Any) -> str:
    """ "Achats mutualisés livrés dans la commune": public aggregates, "" when nothing was delivered there."""
    summary = commune_purchasing_summary(commune=commune)
    if summary is None:
        return ""
    return render_to_string("purchasing/partials/commune_panel.html", {"summary": summary}, request=request)
