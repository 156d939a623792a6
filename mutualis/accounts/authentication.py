"""API token authentication with an expiry: a forgotten token stops working on its own."""

import datetime
from typing import Any

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def api_token_expires_at(*, created: datetime.datetime, staff: bool) -> datetime.datetime:
    """When an API token stops working: API_TOKEN_TTL_DAYS after its creation, API_TOKEN_TTL_DAYS_STAFF for an
    operator staff account (its token acts with staff powers, without the TOTP step of a login)."""
    days = settings.API_TOKEN_TTL_DAYS_STAFF if staff else settings.API_TOKEN_TTL_DAYS
    return created + datetime.timedelta(days=days)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens past their expiry with a French message."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        expires = api_token_expires_at(created=token.created, staff=bool(getattr(user, "staff_role", "")))
        if timezone.now() >= expires:
            day = formats.date_format(timezone.localtime(expires), "d/m/Y")
            raise exceptions.AuthenticationFailed(
                _("Jeton d'API expiré le %(date)s : créez-en un nouveau dans « Mon compte ».") % {"date": day}
            )
        return user, token
