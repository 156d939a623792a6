from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from mutualis.accounts import selectors, services, throttling
from mutualis.accounts.authentication import token_expires_at
from mutualis.accounts.forms import (
    LoginForm,
    NameForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    RecoveryCodeForm,
    TokenForm,
)
from mutualis.accounts.models import User
from mutualis.accounts.services import passwords, recovery, sessions
from mutualis.accounts.tokens import password_reset_token_generator
from mutualis.core.context import client_ip
from mutualis.core.formviews import form_page, form_status, submit_form
from mutualis.core.panels import render_account_panels
from mutualis.core.services import audit_record

PENDING_KEY = "accounts_pending_user_id"
NEXT_KEY = "accounts_next"
# The recovery codes just made, kept in the session only until the page that shows them once.
NEW_CODES_KEY = "accounts_new_recovery_codes"


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
    """Step 2: the TOTP code, for accounts that have an authenticator, or one of their recovery codes."""
    pending_id = request.session.get(PENDING_KEY)
    user = User.objects.filter(pk=pending_id, is_active=True).first() if pending_id else None
    if user is None and request.user.is_authenticated:
        user = request.user
    if user is None:
        return redirect("accounts:login")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("accounts:totp_setup" if request.user.is_authenticated else "accounts:login")
    using_recovery = request.method == "POST" and "recovery_code" in request.POST
    form = TokenForm(request.POST if request.method == "POST" and not using_recovery else None)
    recovery_form = RecoveryCodeForm(request.POST if using_recovery else None)
    status = 200
    if request.method == "POST":
        ip = client_ip(request)
        if throttling.login_is_locked(email=user.email, ip=ip):
            (recovery_form if using_recovery else form).add_error(None, _locked_message())
            status = 429
        elif using_recovery:
            use = _use_recovery_code(recovery_form, user)
            if use is not None:
                messages.warning(request, _recovery_used_message(use.remaining))
                return _second_factor_passed(request, user, use.device, second_factor="recovery_code")
            throttling.login_failed(email=user.email, ip=ip)
            if recovery_form.is_valid():
                recovery_form.add_error("recovery_code", _("Code de secours incorrect ou déjà utilisé."))
            status = 400
        elif (check := _check_code(form, device)) == services.TotpCheck.ACCEPTED:
            return _second_factor_passed(request, user, device, second_factor="totp")
        else:
            throttling.login_failed(email=user.email, ip=ip)
            if check == services.TotpCheck.REUSED:
                form.add_error("token", _("Ce code a déjà été utilisé : attendez le suivant."))
            elif check == services.TotpCheck.WRONG:
                form.add_error("token", _("Code incorrect ou expiré."))
            status = 400
    context = {"form": form, "recovery_form": recovery_form, "using_recovery": using_recovery}
    return render(request, "accounts/login_verify.html", context, status=status)


def _second_factor_passed(request: HttpRequest, user: User, device: Any, *, second_factor: str) -> HttpResponse:
    """Sign the user in (if step 1 left them pending) with the session verified by `device`; audited."""
    throttling.login_succeeded(email=user.email, ip=client_ip(request))
    next_url = request.session.get(NEXT_KEY) or reverse("core:dashboard")
    if not request.user.is_authenticated:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    request.session.pop(PENDING_KEY, None)
    audit_record(actor=user, action="user.login", obj=user, after={"second_factor": second_factor})
    return redirect(next_url)


def _recovery_used_message(remaining: int) -> str:
    if remaining == 0:
        return _(
            "Code de secours accepté. C'était votre dernier : générez-en de nouveaux dans « Mon compte », et "
            "configurez une nouvelle application d'authentification si vous avez perdu la vôtre."
        )
    return _(
        "Code de secours accepté. Il vous en reste %(remaining)d : générez-en de nouveaux dans « Mon compte » si "
        "vous avez perdu votre application d'authentification."
    ) % {"remaining": remaining}


def _use_recovery_code(form: RecoveryCodeForm, user: User) -> recovery.RecoveryUse | None:
    """The form's recovery code spent (None when the form is invalid or the code wrong or spent)."""
    return recovery.recovery_code_use(user=user, code=form.cleaned_data["recovery_code"]) if form.is_valid() else None


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
        codes = (
            services.totp_device_confirm(device=device, token=form.cleaned_data["token"]) if form.is_valid() else None
        )
        if codes is not None:
            otp_login(request, device)
            request.session[NEW_CODES_KEY] = codes
            messages.success(request, _("L'authentification à deux facteurs est activée."))
            return redirect("accounts:recovery_codes")
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
        "recovery_codes_left": recovery.recovery_codes_remaining(user=request.user),
        "session_count": len(selectors.user_sessions(user=request.user, current_key=request.session.session_key)),
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


class _PasswordLinkView(PasswordResetConfirmView):
    """A one-time link to choose a password (Django swaps the token for a session marker on the first visit): the
    page names the account, and a refused password comes back with 400."""

    form_class = SetPasswordForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["account_email"] = self.user.email if self.validlink and self.user else ""
        return context

    def form_invalid(self, form: SetPasswordForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ActivateAccountView(_PasswordLinkView):
    """The one-time link of an invitation: it names the account, and once the password is chosen the person is
    signed in (staff go on to enrol their authenticator), rather than sent to the login page without a word."""

    template_name = "accounts/set_password.html"

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


def password_reset_view(request: HttpRequest) -> HttpResponse:
    """« Mot de passe oublié ? »: whatever the address, the same next page (an e-mail leaves only for an active
    account); requests are throttled per address typed and per client address, like the login."""
    form = PasswordResetRequestForm(request.POST or None)
    status = form_status(request, form)
    if request.method == "POST" and form.is_valid():
        email, ip = form.cleaned_data["email"], client_ip(request)
        if throttling.password_reset_is_locked(email=email, ip=ip):
            form.add_error(None, _("Trop de demandes de réinitialisation. Par sécurité, réessayez plus tard."))
            status = 429
        else:
            throttling.password_reset_requested(email=email, ip=ip)
            passwords.password_reset_request(email=email)
            return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form}, status=status)


def password_reset_done_view(request: HttpRequest) -> HttpResponse:
    """The answer to every reset request, whether the address has an account or not."""
    minutes = settings.PASSWORD_RESET_LINK_SECONDS // 60
    return render(request, "accounts/password_reset_done.html", {"link_minutes": minutes})


class PasswordResetConfirmLinkView(_PasswordLinkView):
    """The link of « Mot de passe oublié ? » (one use, PASSWORD_RESET_LINK_SECONDS): choose a new password, checked
    by the validators; every session of the account is closed, and the person signs in with the new one."""

    template_name = "accounts/password_reset_confirm.html"
    token_generator = password_reset_token_generator

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        passwords.password_reset_complete(user=form.user, password=form.cleaned_data["new_password1"])
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(self.request, _("Votre mot de passe est changé : connectez-vous avec le nouveau."))
        return redirect("accounts:login")


@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    """« Changer mon mot de passe »: the current one asked; afterwards this session stays signed in and every
    other session of the account is closed."""
    form = PasswordChangeForm(request.POST or None)

    def save() -> HttpResponse:
        old_key = request.session.session_key
        user = passwords.password_change(
            user=request.user,
            current_password=form.cleaned_data["old_password"],
            new_password=form.cleaned_data["new_password1"],
            keep_session_key=old_key,
            acting_user=request.user,
        )
        update_session_auth_hash(request, user)  # this session stays valid (under a new key)
        sessions.session_rekeyed(old_key=old_key, new_key=request.session.session_key)
        messages.success(request, _("Votre mot de passe est changé. Vos autres sessions ont été déconnectées."))
        return redirect("accounts:profile")

    return form_page(request, form, template="accounts/password_change.html", on_valid=save)


def _verified_with_totp(request: HttpRequest) -> HttpResponse | None:
    """Recovery codes concern accounts with an authenticator, whose session passed it: else where to go."""
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        messages.info(request, _("Activez d'abord l'authentification à deux facteurs."))
        return redirect("accounts:totp_setup")
    if not request.user.is_verified():
        return redirect("accounts:login_verify")
    return None


@login_required
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """The recovery codes: shown once right after they are made (second factor set up, or renewed here by POST,
    which revokes the old ones); otherwise how many are left."""
    if (elsewhere := _verified_with_totp(request)) is not None:
        return elsewhere
    if request.method == "POST":
        request.session[NEW_CODES_KEY] = recovery.recovery_codes_generate(user=request.user, acting_user=request.user)
        messages.success(request, _("Nouveaux codes de secours générés : les anciens ne servent plus."))
        return redirect("accounts:recovery_codes")
    context = {
        "codes": request.session.pop(NEW_CODES_KEY, None),
        "remaining": recovery.recovery_codes_remaining(user=request.user),
        "next_url": request.session.pop(NEXT_KEY, None) or reverse("accounts:profile"),
    }
    return render(request, "accounts/recovery_codes.html", context)


@login_required
def sessions_view(request: HttpRequest) -> HttpResponse:
    """« Mes sessions »: where the account is signed in (device, address, last activity), this one marked."""
    rows = selectors.user_sessions(user=request.user, current_key=request.session.session_key)
    return render(request, "accounts/sessions.html", {"rows": rows, "others": sum(not row.current for row in rows)})


@login_required
def sessions_close_others_view(request: HttpRequest) -> HttpResponse:
    """« Déconnecter les autres sessions »: GET asks for confirmation, POST signs the account out everywhere else."""
    if request.method == "POST":
        closed = sessions.user_sessions_close_others(
            user=request.user, keep_session_key=request.session.session_key, acting_user=request.user
        )
        messages.success(
            request,
            ngettext("%(count)d autre session déconnectée.", "%(count)d autres sessions déconnectées.", closed)
            % {"count": closed},
        )
        return redirect("accounts:sessions")
    rows = selectors.user_sessions(user=request.user, current_key=request.session.session_key)
    others = sum(not row.current for row in rows)
    return render(request, "accounts/sessions_close_others.html", {"others": others})
