"""The main navigation: one list of links per kind of user, by URL name (core imports no app, only names)."""

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

STAFF_LINKS = [
    (_("Adhérents"), "members:backoffice_member_list"),
    (_("Cotisations"), "contributions:call_list"),
    (_("Accords-cadres"), "purchasing:backoffice_agreement_list"),
    (_("Commandes"), "purchasing:backoffice_order_list"),
    (_("Factures"), "purchasing:invoice_list"),
    (_("Équipements"), "assets:asset_list"),
    (_("Tableau de bord"), "purchasing:operator_dashboard"),
    (_("Journal d'audit"), "core:audit_list"),
]
MEMBER_LINKS = [
    (_("Espace adhérent"), "members:space"),
    (_("Catalogue"), "purchasing:catalogue"),
    (_("Panier"), "purchasing:basket"),
    (_("Commandes"), "purchasing:order_list"),
    (_("Équipements"), "assets:asset_list"),
    (_("Achats"), "purchasing:member_dashboard"),
]
PUBLIC_LINKS = [(_("Territoire"), "territory:commune_list")]


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """The links for this user; the one whose URL is the longest prefix of the current path is marked current."""
    user = getattr(request, "user", None)
    links = []
    if user is not None and user.is_authenticated:
        links += STAFF_LINKS if getattr(user, "is_operator_staff", False) else MEMBER_LINKS
    links += PUBLIC_LINKS
    items = []
    for label, name in links:
        try:
            items.append({"label": label, "url": reverse(name), "current": False})
        except NoReverseMatch:
            continue
    matches = [item for item in items if request.path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["current"] = True
    return items
