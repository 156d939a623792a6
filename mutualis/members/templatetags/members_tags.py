"""Template helpers of the members app: status badges and links to the territory pages."""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from mutualis.members.choices import MemberStatus

register = template.Library()

STATUS_BADGES = {
    MemberStatus.REQUESTED: "badge-info",
    MemberStatus.APPROVED: "badge-warning",
    MemberStatus.ACTIVE: "badge-success",
    MemberStatus.WITHDRAWN: "badge-danger",
    MemberStatus.REJECTED: "badge-danger",
}


@register.filter
def status_badge(status: str) -> str:
    """The badge class of a member status."""
    return STATUS_BADGES.get(status, "badge-info")


def _url(name: str, key: Any) -> str:
    try:
        return reverse(name, args=[key])
    except NoReverseMatch:
        return ""


@register.simple_tag
def commune_url(commune: Any) -> str:
    """The public page of a commune ("" if the territory pages are not installed)."""
    return _url("territory:commune_detail", commune.insee_code)


@register.simple_tag
def departement_url(departement: Any) -> str:
    """The public page of a département."""
    return _url("territory:departement_detail", departement.code)


@register.simple_tag
def intercommunality_url(intercommunality: Any) -> str:
    """The public page of an EPCI or EPT."""
    return _url("territory:intercommunality_detail", intercommunality.siren)
