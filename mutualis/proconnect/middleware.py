from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from mutualis.proconnect import oidc


class ProConnectLogoutMiddleware:
    """A user signed in with ProConnect who logs out (the usual « Se déconnecter ») is sent on to ProConnect's
    end-session endpoint, so that the provider's session ends too; accounts' logout view stays as it is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from mutualis.proconnect.views import ID_TOKEN_KEY, IDP_KEY, end_session_response

        if request.method != "POST" or request.path != reverse("accounts:logout") or not oidc.is_configured():
            return self.get_response(request)
        id_token, idp_id = request.session.get(ID_TOKEN_KEY), request.session.get(IDP_KEY, "")
        user = request.user
        response = self.get_response(request)
        if id_token and response.status_code == 302 and not request.user.is_authenticated:
            return end_session_response(request, user=user, id_token=id_token, idp_id=idp_id) or response
        return response
