from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from mutualis.accounts import services, throttling
from mutualis.accounts.authentication import token_expires_at
from mutualis.accounts.forms import LoginForm, NameForm, TokenForm
from mutualis.accounts.models import User
from mutualis.core.context import client_ip
from mutualis.core.formviews import form_status, submit_form
from mutualis.core.panels import render_account_panels
from mutualis.core.services import audit_record

PENDING_KEY = "accounts_pending_user_id"
NEXT_KEY = "accounts_next"


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("core:dashboard")


def _locked_message() -> str:
    return _("Trop de tentatives infructueuses. Par sécurité, réessayez dans quelques minutes.")


def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: e-mail and password, throttled per account and per address."""
    if request.user.is_authenticated and (not request.user.is_operator_staff or request.user.is_verified()):
        return redirect("core:dashboard")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email, ip = form.cleaned_data["email"], client_ip(request)
        if throttling.login_is_locked(email=email, ip=ip):
            form.add_error(None, _locked_message())
            status = 429
        else:
            user = authenticate(request, username=email.lower(), password=form.cleaned_data["password"])
            if user is None:
                throttling.login_failed(email=email, ip=ip)
                form.add_error(None, _("Adresse électronique ou mot de passe incorrect."))
                status = 400
            else:
                request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next"))
                if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                    request.session[PENDING_KEY] = user.pk
                    return redirect("accounts:login_verify")
                throttling.login_succeeded(email=email, ip=ip)
                login(request, user)
                audit_record(actor=user, action="user.login", obj=user)
                if user.is_operator_staff:
                    return redirect("accounts:totp_setup")
                return redirect(request.session.pop(NEXT_KEY, reverse("core:dashboard")))
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/login.html", {"form": form}, status=status)


def login_verify_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the TOTP code, for accounts that have an authenticator."""
    pending_id = request.session.get(PENDING_KEY)
    user = User.objects.filter(pk=pending_id, is_active=True).first() if pending_id else None
    if user is None and request.user.is_authenticated:
        user = request.user
    if user is None:
        return redirect("accounts:login")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("accounts:totp_setup" if request.user.is_authenticated else "accounts:login")
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        ip = client_ip(request)
        if throttling.login_is_locked(email=user.email, ip=ip):
            form.add_error(None, _locked_message())
            status = 429
        elif (check := _check_code(form, device)) == services.TotpCheck.ACCEPTED:
            throttling.login_succeeded(email=user.email, ip=ip)
            next_url = request.session.get(NEXT_KEY) or reverse("core:dashboard")
            if not request.user.is_authenticated:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            request.session.pop(PENDING_KEY, None)
            audit_record(actor=user, action="user.login", obj=user, after={"second_factor": "totp"})
            return redirect(next_url)
        else:
            throttling.login_failed(email=user.email, ip=ip)
            if check == services.TotpCheck.REUSED:
                form.add_error("token", _("Ce code a déjà été utilisé : attendez le suivant."))
            elif check == services.TotpCheck.WRONG:
                form.add_error("token", _("Code incorrect ou expiré."))
            status = 400
    return render(request, "accounts/login_verify.html", {"form": form}, status=status)


def _check_code(form: TokenForm, device: TOTPDevice) -> services.TotpCheck | None:
    """The verdict on the form's code (None when the form itself is invalid)."""
    return services.totp_code_check(device=device, token=form.cleaned_data["token"]) if form.is_valid() else None


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
def totp_setup_view(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator application: scan the QR code (or type the key), then confirm with a code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None or request.method == "GET" and "new" in request.GET:
        device = services.totp_device_start(user=request.user)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and services.totp_device_confirm(device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("L'authentification à deux facteurs est activée."))
            return redirect(request.session.pop(NEXT_KEY, None) or reverse("core:dashboard"))
        if form.is_valid():
            form.add_error("token", _("Code incorrect ou expiré."))
        status = 400
    secret = device.config_url.split("secret=")[1].split("&")[0]
    context = {
        "form": form,
        "qr_svg": _qr_svg(device),
        "secret": secret,
        "required": request.user.is_operator_staff,
    }
    return render(request, "accounts/totp_setup.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, so a link elsewhere cannot sign a user out)."""
    logout(request)
    messages.info(request, _("Vous êtes déconnecté."))
    return redirect("core:home")


def _profile_page(request: HttpRequest, name_form: NameForm) -> HttpResponse:
    token = Token.objects.filter(user=request.user).first()
    context: dict[str, Any] = {
        "name_form": name_form,
        "has_totp": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        "token": token,
        "now": timezone.now(),
        "token_expires": token_expires_at(token) if token else None,
        "new_token": request.session.pop("accounts_new_token", None),
        "panels": render_account_panels(request.user, request),
    }
    return render(request, "accounts/profile.html", context, status=form_status(request, name_form))


def _name_initial(user: User) -> dict[str, str]:
    return {"first_name": user.first_name, "last_name": user.last_name}


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    """My account: identity (the name is editable), invitations waiting, second factor, API token."""
    return _profile_page(request, NameForm(initial=_name_initial(request.user)))


@login_required
@require_POST
def name_view(request: HttpRequest) -> HttpResponse:
    """Change the account's name; a refused one comes back on « Mon compte » with its message (400)."""
    form = NameForm(request.POST)

    def save() -> HttpResponse:
        services.user_update_name(user=request.user, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Votre nom est enregistré."))
        return redirect("accounts:profile")

    return submit_form(request, form, save) or _profile_page(request, form)


class ActivateAccountView(PasswordResetConfirmView):
    """The one-time link of an invitation: it names the account, and once the password is chosen the person is
    signed in (staff go on to enrol their authenticator), rather than sent to the login page without a word."""

    template_name = "accounts/set_password.html"
    form_class = SetPasswordForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["account_email"] = self.user.email if self.validlink and self.user else ""
        return context

    def form_invalid(self, form: SetPasswordForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        user = services.user_set_password(user=form.user, password=form.cleaned_data["new_password1"])
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        if not user.is_active:
            messages.info(self.request, _("Votre mot de passe est enregistré, mais ce compte est désactivé."))
            return redirect("accounts:login")
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        audit_record(actor=user, action="user.login", obj=user, after={"via": "activation"})
        if user.is_operator_staff:
            messages.success(
                self.request,
                _("Votre mot de passe est enregistré. Activez maintenant l'authentification à deux facteurs."),
            )
            return redirect("accounts:totp_setup")
        messages.success(self.request, _("Votre compte est activé : bienvenue sur Mutualis."))
        return redirect("core:dashboard")


@login_required
@require_POST
def email_notifications_view(request: HttpRequest) -> HttpResponse:
    """Turn the e-mail copy of the user's notifications on or off."""
    enabled = request.POST.get("notify_by_email") == "on"
    services.user_set_email_notifications(user=request.user, enabled=enabled)
    if enabled:
        messages.success(request, _("Vous recevrez aussi vos notifications par courriel."))
    else:
        messages.success(request, _("Vos notifications ne vous seront plus envoyées par courriel."))
    return redirect("accounts:profile")


@login_required
@require_POST
def api_token_view(request: HttpRequest) -> HttpResponse:
    """Create or replace the user's API token; the key is shown once."""
    token = services.api_token_regenerate(user=request.user, acting_user=request.user)
    request.session["accounts_new_token"] = token.key
    messages.success(request, _("Nouveau jeton d'API créé. Copiez-le maintenant : il ne sera plus affiché."))
    return redirect("accounts:profile")
