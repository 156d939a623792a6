from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    """First step of login: e-mail address and password."""

    email = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    """A six-digit code from the authenticator application."""

    token = forms.RegexField(
        label=_("Code à usage unique"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Saisissez les 6 chiffres affichés par votre application.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"\d{6}",
                "maxlength": 6,
                "autofocus": True,
            }
        ),
        help_text=_("Six chiffres, renouvelés toutes les 30 secondes."),
    )


class NameForm(forms.Form):
    """The account's name, as its owner writes it (« Mon compte »)."""

    first_name = forms.CharField(
        label=_("Prénom"), max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Nom"), max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )


class PasswordResetRequestForm(forms.Form):
    """« Mot de passe oublié ? »: the address of the account."""

    email = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


class PasswordChangeForm(forms.Form):
    """« Changer mon mot de passe »: the current one, and the new one twice (the service checks the current one
    and the password validators)."""

    old_password = forms.CharField(
        label=_("Mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("Nouveau mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 12 caractères, ni trop courant, ni entièrement numérique, ni proche de votre nom."),
    )
    new_password2 = forms.CharField(
        label=_("Confirmation du nouveau mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("Les deux mots de passe ne correspondent pas."))
        return cleaned


class RecoveryCodeForm(forms.Form):
    """One of the account's recovery codes, at the login's second step, when the authenticator is out of reach."""

    recovery_code = forms.CharField(
        label=_("Code de secours"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}),
        help_text=_("Un des dix codes reçus en activant la double authentification ; chacun ne sert qu'une fois."),
    )
