"""« S'identifier avec ProConnect »: the authorization request, the provider's return, the link of an existing
account after proof, the pages of an agent waiting for their member, the return from ProConnect's logout."""

import hmac
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from mutualis.accounts.models import User
from mutualis.members.selectors import join_requests_sent, user_member_list
from mutualis.proconnect import oidc, services
from mutualis.proconnect.models import PendingLink
from mutualis.proconnect.services import AgentClaims, Outcome

FLOW_KEY = "proconnect_flow"
ID_TOKEN_KEY = "proconnect_id_token"
IDP_KEY = "proconnect_idp_id"
LINK_KEY = "proconnect_pending_link"
LINK_ID_TOKEN_KEY = "proconnect_pending_id_token"
LOGOUT_STATE_KEY = "proconnect_logout_state"
BACKEND = "django.contrib.auth.backends.ModelBackend"

REASONS = {
    "state_mismatch": _(
        "La réponse de ProConnect ne correspond à aucune connexion en cours sur ce navigateur. Recommencez la connexion."
    ),
    "token_refused": _("ProConnect a refusé le code de connexion (expiré ou déjà utilisé). Recommencez la connexion."),
    "id_token_signature": _("La signature de la réponse de ProConnect n'a pas pu être vérifiée : connexion refusée."),
    "userinfo_signature": _("La signature des informations transmises par ProConnect n'a pas pu être vérifiée."),
    "id_token_claims": _(
        "La réponse de ProConnect n'est pas valable pour cette connexion (émetteur, audience, nonce)."
    ),
    "provider_unreachable": _("ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes."),
}


def _absolute(name: str) -> str:
    return settings.SITE_ROOT.rstrip("/") + reverse(name)


def _refused(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "proconnect/refused.html", {"message": message}, status=status)


def _require_configured() -> None:
    if not oidc.is_configured():
        raise Http404


@require_POST
def start_view(request: HttpRequest) -> HttpResponse:
    """The button: a fresh state and nonce in the session, then the provider's authorization page."""
    _require_configured()
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    state, nonce = oidc.new_secret(), oidc.new_secret()
    try:
        url = oidc.authorization_url(redirect_uri=_absolute("proconnect:callback"), state=state, nonce=nonce)
    except oidc.ProtocolError as exc:
        services.record_refusal(reason=exc.reason)
        return _refused(request, str(REASONS["provider_unreachable"]), status=503)
    request.session[FLOW_KEY] = {"state": state, "nonce": nonce, "next": next_url}
    return redirect(url)


@require_GET
def callback_view(request: HttpRequest) -> HttpResponse:
    """The provider's return: check the state, exchange the code, verify the tokens, then find who the agent is."""
    _require_configured()
    flow = request.session.pop(FLOW_KEY, None) or {}
    state = request.GET.get("state", "")
    if not state or not flow.get("state") or not hmac.compare_digest(state, flow["state"]):
        services.record_refusal(reason="state_mismatch")
        return _refused(request, str(REASONS["state_mismatch"]))
    if error := request.GET.get("error"):
        services.record_refusal(reason=f"provider_error:{error}"[:100])
        return _refused(request, _("ProConnect n'a pas pu vous identifier (%(error)s).") % {"error": error})
    try:
        auth = oidc.authenticate(
            code=request.GET.get("code", ""), redirect_uri=_absolute("proconnect:callback"), nonce=flow["nonce"]
        )
    except oidc.ProtocolError as exc:
        services.record_refusal(reason=exc.reason)
        return _refused(request, str(REASONS.get(exc.reason, REASONS["id_token_claims"])))
    claims = AgentClaims.from_provider(id_claims=auth.id_claims, userinfo=auth.userinfo)
    resolution = services.agent_resolve(claims=claims)
    if resolution.outcome == Outcome.REFUSED:
        return _refused(request, resolution.message, status=403)
    if resolution.outcome == Outcome.NO_MEMBER:
        return _no_member(request, claims)
    if resolution.outcome == Outcome.PROOF_NEEDED:
        assert resolution.pending_link is not None
        request.session[LINK_KEY] = resolution.pending_link.pk
        request.session[LINK_ID_TOKEN_KEY] = [auth.id_token, claims.idp_id, claims.multi_factor]
        return redirect("proconnect:link")
    assert resolution.user is not None
    return _sign_in(
        request,
        resolution.user,
        id_token=auth.id_token,
        idp_id=claims.idp_id,
        mfa=claims.multi_factor,
        next_url=flow.get("next", ""),
    )


def _sign_in(
    request: HttpRequest,
    user: User,
    *,
    id_token: str,
    idp_id: str,
    mfa: bool,
    next_url: str = "",
    via: str = "proconnect",
) -> HttpResponse:
    """Open the session; operator staff still pass TOTP unless the provider did multi-factor authentication."""
    login(request, user, backend=BACKEND)
    if id_token:
        request.session[ID_TOKEN_KEY] = id_token
        request.session[IDP_KEY] = idp_id
    services.record_login(user=user, idp_id=idp_id, multi_factor=mfa, via=via)
    if user.is_operator_staff:
        if not mfa:
            return redirect("accounts:login_verify")
        otp_login(request, services.mfa_device_for(user=user))
        return redirect(next_url or reverse("core:dashboard"))
    if not user_member_list(user=user).exists() and join_requests_sent(user=user).exists():
        return redirect("proconnect:pending")
    return redirect(next_url or reverse("members:space"))


def _no_member(request: HttpRequest, claims: AgentClaims) -> HttpResponse:
    prefill = {
        "siret": claims.siret,
        "siren": claims.siret[:9],
        "contact_name": f"{claims.given_name} {claims.usual_name}".strip(),
        "contact_email": claims.email,
    }
    query = urlencode({key: value for key, value in prefill.items() if value})
    context = {"claims": claims, "adhesion_url": reverse("members:adhesion_request") + (f"?{query}" if query else "")}
    return render(request, "proconnect/no_member.html", context)


@login_required
def pending_view(request: HttpRequest) -> HttpResponse:
    """The agent's requests to join a member, waiting for the member's manager."""
    return render(request, "proconnect/pending.html", {"join_requests": join_requests_sent(user=request.user)})


def _session_link(request: HttpRequest) -> PendingLink | None:
    pk = request.session.get(LINK_KEY)
    link = PendingLink.objects.filter(pk=pk).select_related("user").first() if pk else None
    return link if link is not None and link.is_usable else None


def link_view(request: HttpRequest) -> HttpResponse:
    """A local account has the agent's e-mail: its owner proves it is theirs (password login, or a link by e-mail),
    then confirms the link."""
    link = _session_link(request)
    if link is None:
        messages.warning(request, _("Aucune liaison ProConnect n'est en cours : reconnectez-vous avec ProConnect."))
        return redirect("accounts:login")
    context: dict[str, Any] = {"link": link, "sent": False}
    if request.user.is_authenticated and request.user.pk == link.user_id:
        if request.method == "POST":
            services.pending_link_confirm(link=link, proof="password", acting_user=request.user)
            id_token, idp_id, mfa = request.session.pop(LINK_ID_TOKEN_KEY, ["", link.idp_id, False])
            request.session.pop(LINK_KEY, None)
            messages.success(request, _("Votre identité ProConnect est liée à votre compte."))
            request.session[ID_TOKEN_KEY], request.session[IDP_KEY] = id_token, idp_id
            if request.user.is_operator_staff:
                return redirect("core:dashboard")
            return redirect("members:space")
        return render(request, "proconnect/link_confirm.html", context)
    if request.user.is_authenticated:
        context["other_account"] = True
    elif request.method == "POST":
        services.pending_link_send(link=link, confirm_url_for=_email_link_url)
        context["sent"] = True
    context["login_url"] = reverse("accounts:login") + "?" + urlencode({"next": reverse("proconnect:link")})
    return render(request, "proconnect/link.html", context)


def _email_link_url(secret: str) -> str:
    return settings.SITE_ROOT.rstrip("/") + reverse("proconnect:link_email", args=[secret])


def link_email_view(request: HttpRequest, secret: str) -> HttpResponse:
    """The one-use link e-mailed to the account's owner: confirming it links the identity and signs them in."""
    link = services.pending_link_for_secret(secret)
    if link is None:
        return _refused(request, _("Ce lien n'est plus valable (déjà utilisé, ou plus d'une heure a passé)."), 404)
    if request.method != "POST":
        return render(request, "proconnect/link_email.html", {"link": link})
    services.pending_link_confirm(link=link, proof="email", acting_user=link.user)
    messages.success(request, _("Votre identité ProConnect est liée à votre compte."))
    # No ID token here (the link may be opened in another browser): the logout stays local.
    return _sign_in(request, link.user, id_token="", idp_id=link.idp_id, mfa=False, via="email_link")


def end_session_response(request: HttpRequest, *, user: Any, id_token: str, idp_id: str) -> HttpResponse | None:
    """After a local logout of a ProConnect session: the provider's end-session page (state kept to check the
    return), or None when the provider cannot be reached (the local logout stands)."""
    state = oidc.new_secret()
    try:
        url = oidc.end_session_url(
            id_token=id_token, state=state, post_logout_redirect_uri=_absolute("proconnect:logout_return")
        )
    except oidc.ProtocolError:
        return None
    if not url:
        return None
    request.session[LOGOUT_STATE_KEY] = state
    services.record_logout(user=user if getattr(user, "is_authenticated", False) else None, idp_id=idp_id)
    return redirect(url)


@require_GET
def logout_return_view(request: HttpRequest) -> HttpResponse:
    """Back from ProConnect's logout: the state must be the one we sent."""
    expected = request.session.pop(LOGOUT_STATE_KEY, "")
    state = request.GET.get("state", "")
    if expected and state and hmac.compare_digest(state, expected):
        messages.info(request, _("Vous êtes aussi déconnecté de ProConnect."))
    else:
        services.record_refusal(reason="logout_state_mismatch")
        messages.warning(request, _("Le retour de ProConnect ne correspond à aucune déconnexion en cours."))
    return redirect("core:home")
