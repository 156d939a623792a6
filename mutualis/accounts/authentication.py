"""API token authentication with an expiry: a forgotten token stops working on its own."""

import datetime
from typing import Any

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from mutualis.accounts.models import ApiTokenLimit


def api_token_max_days(*, staff: bool) -> int:
    """How long an API token lives at most: API_TOKEN_TTL_DAYS, API_TOKEN_TTL_DAYS_STAFF for an operator staff
    account (its token acts with staff powers, without the TOTP step of a login)."""
    return settings.API_TOKEN_TTL_DAYS_STAFF if staff else settings.API_TOKEN_TTL_DAYS


def api_token_expires_at(
    *, created: datetime.datetime, staff: bool, limit: datetime.datetime | None = None
) -> datetime.datetime:
    """When an API token stops working: its maximum life after its creation, or the shorter limit chosen for it."""
    expires = created + datetime.timedelta(days=api_token_max_days(staff=staff))
    return min(expires, limit) if limit else expires


def token_expires_at(token: Token) -> datetime.datetime:
    """When this token stops working (its account's maximum, or its own shorter limit)."""
    limit = ApiTokenLimit.objects.filter(token_id=token.pk).values_list("expires_at", flat=True).first()
    return api_token_expires_at(created=token.created, staff=bool(getattr(token.user, "staff_role", "")), limit=limit)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens past their expiry with a French message."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        expires = token_expires_at(token)
        if timezone.now() >= expires:
            day = formats.date_format(timezone.localtime(expires), "d/m/Y")
            raise exceptions.AuthenticationFailed(
                _("Jeton d'API expiré le %(date)s : créez-en un nouveau dans « Mon compte ».") % {"date": day}
            )
        return user, token
