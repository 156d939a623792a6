from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualis.accounts.signals import session_activity

# Paths a staff member may reach before completing the second factor (not the profile: it issues API tokens).
ALLOWED_PREFIXES = (
    "/compte/connexion/",
    "/compte/deux-facteurs/",
    "/compte/deconnexion/",
    "/compte/activer/",
    "/static/",
    "/healthz",
    "/i18n/",
)


class StaffTwoFactorMiddleware:
    """Operator staff must pass TOTP: until their session is verified, send them to enrol or verify."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_operator_staff
            and not user.is_verified()
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Authentification à deux facteurs requise pour les comptes de l'opérateur."},
                    status=403,
                )
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                return redirect("accounts:login_verify")
            return redirect("accounts:totp_setup")
        return self.get_response(request)


class SessionActivityMiddleware:
    """« Mes sessions » shows each session's last activity: written after the response, at most once a minute per
    session (the session remembers when), so most requests cost nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session_activity(request)
        return response
