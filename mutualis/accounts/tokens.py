"""The « Mot de passe oublié ? » link's token: Django's password-reset token, with a life of its own.

Django's token already works once (it hashes the password and the last login, which the reset changes). Its life,
PASSWORD_RESET_TIMEOUT, also governs invitations' links (members.services.memberships.set_password_url), which must
last days; a reset link, which anyone who types the address can have sent, lasts PASSWORD_RESET_LINK_SECONDS (an
hour). Its own salt keeps the two kinds of link apart: a reset token is no invitation token, nor the reverse.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int


class PasswordResetLinkTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token under another salt, refused once PASSWORD_RESET_LINK_SECONDS have passed."""

    key_salt = "mutualis.accounts.tokens.PasswordResetLinkTokenGenerator"

    def check_token(self, user: Any, token: Any) -> bool:
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(str(token).split("-", 1)[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - issued <= settings.PASSWORD_RESET_LINK_SECONDS


password_reset_token_generator = PasswordResetLinkTokenGenerator()
