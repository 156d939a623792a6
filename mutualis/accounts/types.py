"""The user types services and selectors are annotated with, so that mypy checks what they do with a user."""

from django.contrib.auth.models import AnonymousUser

from mutualis.accounts.models import User

# Whoever reads: an account or an anonymous visitor (selectors and abilities answer both).
Viewer = User | AnonymousUser

__all__ = ["User", "Viewer", "signed_in"]


def signed_in(user: Viewer | None) -> User | None:
    """The logged-in, active account behind `user`, or None for an anonymous visitor or a disabled account."""
    return user if isinstance(user, User) and user.is_authenticated and user.is_active else None
