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
