"""Checks every supervision write shares."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.supervision.permissions import is_supervision_operator


def require_operator(user: User) -> None:
    """Only the supervision centre's operators (and administrators) change supervision data."""
    if not is_supervision_operator(user):
        raise PermissionDenied(_("Réservé aux opérateurs de supervision."))
