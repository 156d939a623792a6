"""Protected sites, devices, sources and habilitations, as operators and members read them."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from mutualis.accounts.types import Viewer
from mutualis.core.collation import french
from mutualis.core.permissions import is_operator_staff
from mutualis.members.models import Site
from mutualis.supervision.choices import OPEN_STATUSES
from mutualis.supervision.models import Device, EventSource, Habilitation, ProtectedSite
from mutualis.supervision.permissions import is_supervision_operator


def protected_site_list(*, user: Viewer, q: str = "") -> QuerySet[ProtectedSite]:
    """Protected sites: every one for operators, their own members' for members' users, by name."""
    sites = ProtectedSite.objects.visible_to(user)
    if is_operator_staff(user) and not is_supervision_operator(user):
        return sites.none()
    if q:
        sites = sites.filter(
            Q(site__name__icontains=q) | Q(site__commune__name__icontains=q) | Q(site__member__name__icontains=q)
        )
    return (
        sites.select_related("site__member", "site__commune")
        .annotate(
            device_count=Count("devices", distinct=True),
            open_alarms=Count("alarms", filter=Q(alarms__status__in=OPEN_STATUSES), distinct=True),
        )
        .order_by(french("site__name"))
    )


def protected_site_get(*, user: Viewer, pk: int) -> ProtectedSite:
    """One protected site the user may read, or 404."""
    site = protected_site_list(user=user).filter(pk=pk).first()
    if site is None:
        raise Http404
    return site


def unprotected_sites(*, user: Viewer) -> QuerySet[Site]:
    """Members' sites not yet under supervision (to protect one)."""
    return (
        Site.objects.visible_to(user)
        .filter(protection__isnull=True, is_active=True)
        .select_related("member", "commune")
        .order_by(french("name"))
    )


def device_list(*, user: Viewer, site: int | None = None, q: str = "") -> QuerySet[Device]:
    """Devices of the sites the user may read."""
    devices = Device.objects.visible_to(user).filter(protected_site__in=protected_site_list(user=user).values("pk"))
    if site:
        devices = devices.filter(protected_site_id=site)
    if q:
        devices = devices.filter(Q(name__icontains=q) | Q(external_id__icontains=q) | Q(location__icontains=q))
    return devices.select_related("protected_site__site", "source", "asset").order_by("protected_site", french("name"))


def device_get(*, user: Viewer, pk: int) -> Device:
    """One device the user may read, or 404."""
    device = device_list(user=user).filter(pk=pk).first()
    if device is None:
        raise Http404
    return device


def source_list(*, user: Viewer) -> QuerySet[EventSource]:
    """Event sources (operators only)."""
    if not is_supervision_operator(user):
        return EventSource.objects.none()
    return EventSource.objects.annotate(device_count=Count("devices")).order_by("name")


def source_get(*, user: Viewer, pk: int) -> EventSource:
    """One source, or 404."""
    source = source_list(user=user).filter(pk=pk).first()
    if source is None:
        raise Http404
    return source


def habilitation_list(*, user: Viewer, protected_site: ProtectedSite) -> QuerySet[Habilitation]:
    """A site's habilitations, open ones first (operators only)."""
    if not is_supervision_operator(user):
        return Habilitation.objects.none()
    return protected_site.habilitations.select_related("user", "commune").order_by("revoked_at", "user__last_name")


def site_map_points(*, user: Viewer) -> list[dict[str, object]]:
    """The sites the user is habilitated for, with a position and their open alarms, for the console's map."""
    from mutualis.supervision.permissions import habilitated_site_ids

    rows = (
        protected_site_list(user=user)  # type: ignore[misc]  # an annotation the plugin does not see
        .filter(pk__in=habilitated_site_ids(user), site__latitude__isnull=False, site__longitude__isnull=False)
        .values("pk", "site__name", "site__latitude", "site__longitude", "open_alarms")
    )
    return [
        {
            "id": r["pk"],
            "name": r["site__name"],
            "lat": r["site__latitude"],
            "lon": r["site__longitude"],
            "open": r["open_alarms"],
        }
        for r in rows
    ]
