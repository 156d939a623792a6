"""The main navigation: one list of entries per kind of user, by URL name (core imports no app, only names).

An entry is a link (label, URL name) or a group (label, [links]) shown as a disclosure menu, so that the staff's
back-office fits one line at 1280 px.
"""

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from mutualis.core.scoping import visible_member_ids

Link = tuple[Any, str]
Entry = tuple[Any, str | list[Link]]

STAFF_LINKS: list[Entry] = [
    (
        _("Adhérents"),
        [
            (_("Adhérents"), "members:backoffice_member_list"),
            (_("Cotisations"), "contributions:call_list"),
        ],
    ),
    (
        _("Achats"),
        [
            (_("Fournisseurs"), "purchasing:backoffice_supplier_list"),
            (_("Accords-cadres"), "purchasing:backoffice_agreement_list"),
            (_("Commandes"), "purchasing:backoffice_order_list"),
            (_("Regroupements"), "purchasing:consolidation_list"),
            (_("Factures"), "purchasing:invoice_list"),
            (_("Tableau de bord"), "purchasing:operator_dashboard"),
        ],
    ),
    # The operated services, each with its pages, in one menu: a menu per service would not fit the line at 1280 px.
    (
        _("Services"),
        [
            (_("Équipements"), "assets:asset_list"),
            (_("Fibre : avancement"), "fibre:backoffice_dashboard"),
            (_("Fibre : zones PM"), "fibre:backoffice_pm_zone_list"),
            (_("Fibre : adresses"), "fibre:backoffice_address_list"),
            (_("Fibre : imports"), "fibre:import_list"),
            (_("Fibre : couverture publique"), "fibre:coverage"),
            (_("Éducation : établissements"), "education:establishment_list"),
            (_("Éducation : ressources et licences"), "education:subscription_list"),
            (_("Éducation : prêts"), "education:loan_list"),
            (_("Éducation : projets"), "education:call_list"),
            (_("Supervision : console"), "supervision:console"),
            (_("Supervision : caméras (direct)"), "supervision:camera_list"),
            (_("Supervision : sites protégés"), "supervision:site_list"),
            (_("Supervision : sources"), "supervision:source_list"),
            (_("Supervision : preuves et réquisitions"), "supervision:evidence_home"),
            (_("Supervision : registre"), "supervision:register"),
            (_("Recharge : stations"), "charging:station_list"),
            (_("Recharge : sessions"), "charging:session_list"),
            (_("Recharge : badges"), "charging:id_tag_list"),
            (_("Recharge : carte publique"), "charging:public_map"),
            (_("Données ouvertes"), "opendata:home"),
        ],
    ),
    (_("Journal d'audit"), "core:audit_list"),
]
MEMBER_LINKS: list[Entry] = [
    (_("Espace adhérent"), "members:space"),
    (_("Cotisations"), "contributions:my_calls"),
    (
        _("Achats"),
        [
            (_("Catalogue"), "purchasing:catalogue"),
            (_("Panier"), "purchasing:basket"),
            (_("Commandes"), "purchasing:order_list"),
            (_("Tableau de bord"), "purchasing:member_dashboard"),
        ],
    ),
    # The operated services, as in the staff's « Services » menu: one group keeps the line within 1280 px.
    (
        _("Services"),
        [
            (_("Équipements"), "assets:asset_list"),
            (_("Fibre"), "fibre:member_progress"),
            (_("Éducation"), "education:establishment_list"),
            (_("Sûreté : alarmes"), "supervision:alarm_list"),
            (_("Sûreté : caméras (habilités)"), "supervision:camera_list"),
            (_("Sûreté : études"), "supervision:study_list"),
            (_("Recharge"), "charging:member_stations"),
        ],
    ),
]
PUBLIC_LINKS: list[Entry] = [(_("Territoire"), "territory:commune_list")]
# Staff reach the coverage map from their « Fibre » menu; a line of their own would not fit theirs at 1280 px.
CITIZEN_LINKS: list[Entry] = [
    (_("Couverture fibre"), "fibre:coverage"),
    (_("Bornes de recharge"), "charging:public_map"),
    (_("Données ouvertes"), "opendata:home"),
]
# Citizen links a member's user does not get in the bar (theirs must fit one line at 1280 px): the footer links
# the open-data portal on every page, their « Recharge » page links the public map.
VISITORS_ONLY: tuple[str, ...] = ("opendata:home", "charging:public_map")
# Links shown only to users who read at least one member's data (every role of a member reads its calls): an
# account attached to no member has nothing there.
NEEDS_A_MEMBER: tuple[str, ...] = ("contributions:my_calls",)


def _link(label: Any, name: str) -> dict[str, Any] | None:
    try:
        return {"label": label, "url": reverse(name), "current": False}
    except NoReverseMatch:  # an app that is not installed is simply not linked
        return None


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """The entries for this user: links, and groups of links (`children`, with an `id` for their menu). The link
    whose URL is the longest prefix of the current path is marked current, and so is the group holding it."""
    user = getattr(request, "user", None)
    entries: list[Entry] = []
    if user is not None and user.is_authenticated:
        if getattr(user, "is_operator_staff", False):
            entries += STAFF_LINKS
        elif visible_member_ids(user).exists():
            entries += MEMBER_LINKS
        else:
            entries += [entry for entry in MEMBER_LINKS if entry[1] not in NEEDS_A_MEMBER]
    entries += PUBLIC_LINKS
    if user is None or not user.is_authenticated:
        entries += CITIZEN_LINKS
    elif not getattr(user, "is_operator_staff", False):
        entries += [entry for entry in CITIZEN_LINKS if entry[1] not in VISITORS_ONLY]
    items: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for label, target in entries:
        if isinstance(target, str):
            link = _link(label, target)
            if link is not None:
                items.append(link)
                links.append(link)
            continue
        children = [child for child in (_link(*pair) for pair in target) if child is not None]
        if children:
            items.append({"label": label, "children": children, "current": False, "id": f"menu-{len(items) + 1}"})
            links += children
    matches = [link for link in links if request.path.startswith(link["url"])]
    if matches:
        current = max(matches, key=lambda link: len(link["url"]))
        current["current"] = True
        for item in items:
            if any(child is current for child in item.get("children", ())):
                item["current"] = True
    return items
