"""Forms of the equipment pages: the list filters, a status change, a move."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.accounts.types import Viewer
from mutualis.assets.choices import AssetKind, AssetStatus
from mutualis.assets.models import Asset
from mutualis.members.selectors import member_list, site_list


class AssetFilterForm(forms.Form):
    """Search and filters of the asset list (member only for staff)."""

    q = forms.CharField(label=_("Rechercher (n° de série, désignation, fabricant, référence)"), required=False)
    member = forms.ModelChoiceField(label=_("Adhérent"), queryset=None, required=False, empty_label=_("Tous"))
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False, empty_label=_("Tous"))
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=[("", _("Tous"))] + AssetStatus.choices)
    kind = forms.ChoiceField(label=_("Nature"), required=False, choices=[("", _("Toutes"))] + AssetKind.choices)
    warranty = forms.ChoiceField(
        label=_("Garantie"),
        required=False,
        choices=[
            ("", _("Toutes")),
            ("30", _("Se termine dans 30 jours")),
            ("90", _("Se termine dans 90 jours")),
            ("180", _("Se termine dans 180 jours")),
            ("expired", _("Expirée")),
        ],
    )

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(user, "is_operator_staff", False):
            self.fields["member"].queryset = member_list(user=user)
        else:
            del self.fields["member"]
        self.fields["site"].queryset = site_list(user=user)

    def filters(self) -> dict[str, Any]:
        """The valid filters as plain values for asset_list."""
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        for key in ("member", "site"):
            data[key] = data[key].pk if data.get(key) else ""
        return data


class AssetTransitionForm(forms.Form):
    """Change an asset's status, with an optional note."""

    to_status = forms.ChoiceField(label=_("Nouveau statut"), choices=AssetStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label=_("Je confirme"), required=False)

    def clean(self) -> dict[str, Any]:
        """Retiring is final: it needs the box ticked."""
        data = super().clean()
        if data.get("to_status") == AssetStatus.RETIRED and not data.get("confirm"):
            self.add_error("confirm", _("Cochez la case pour confirmer la réforme : elle est définitive."))
        return data

    def needs_confirmation(self) -> bool:
        """Whether the form goes back to the confirmation page (a retirement not confirmed) rather than the asset."""
        return self.has_error("confirm")


class AssetMoveForm(forms.Form):
    """Move an asset to another site of its member."""

    site = forms.ModelChoiceField(label=_("Nouveau site"), queryset=None)
    note = forms.CharField(label=_("Commentaire"), required=False)

    def __init__(self, *args: Any, asset: Asset, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = site_list(user=user, member=asset.member).filter(is_active=True)
