from django import template

from mutualis.proconnect import oidc

register = template.Library()


@register.simple_tag
def proconnect_enabled() -> bool:
    """The button shows only when ProConnect is configured (domain, client id and secret)."""
    return oidc.is_configured()
