"""The members' panel on the public commune page (registered in MembersConfig.ready)."""

from typing import Any

from django.template.loader import render_to_string

from mutualis.core.permissions import is_operator_staff
from mutualis.members import selectors


def site_points(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The placed sites of the panel's rows as a GeoJSON FeatureCollection of points (name and kind), which the
    commune page's map draws: exactly the sites the panel lists to this viewer, never more."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [site.longitude, site.latitude]},
                "properties": {"name": f"{site.name} — {site.get_kind_display()} ({row['member'].name})"},
            }
            for row in rows
            for site in row["sites"]
            if site.latitude is not None and site.longitude is not None
        ],
    }


def commune_members_panel(commune: Any, request: Any) -> str:
    """ "Adhérents et sites dans cette commune", each item shown as far as the viewer may see it ("" when none)."""
    user = getattr(request, "user", None)
    rows = selectors.commune_members(user=user, commune=commune)
    if not rows:
        return ""
    context = {"rows": rows, "staff": is_operator_staff(user), "site_points": site_points(rows)}
    return render_to_string("members/partials/commune_panel.html", context, request=request)
