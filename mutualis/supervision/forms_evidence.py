"""Forms of the evidence pages (requisitions, handover, access requests, playback, register search, studies). They
check the shape of the input, in French; the services hold the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.core.forms import DATE_WIDGET
from mutualis.supervision.choices import CAMERA_KINDS
from mutualis.supervision.choices_evidence import (
    AccessDecision,
    AccessRequestKind,
    HandoverSupport,
    RefusalGround,
    RegisterKind,
    RequisitionBasis,
)
from mutualis.supervision.models import Device
from mutualis.supervision.models.masking import MaskStyle

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def datetime_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    """A date and time typed in the browser's datetime-local field."""
    return forms.DateTimeField(label=label, widget=DATETIME_WIDGET, input_formats=[DATETIME_FORMAT], **kwargs)


class RequisitionForm(forms.Form):
    """A requisition received."""

    protected_site = forms.ModelChoiceField(label=_("Site protégé"), queryset=None)  # type: ignore[arg-type]
    number = forms.CharField(label=_("Numéro de la réquisition"), max_length=100)
    legal_basis = forms.ChoiceField(label=_("Fondement"), choices=RequisitionBasis.choices)
    officer_name = forms.CharField(label=_("Officier requérant (nom)"), max_length=150)
    officer_quality = forms.CharField(label=_("Qualité de l'officier"), max_length=150, help_text=_("OPJ, APJ…"))
    service = forms.CharField(label=_("Service requérant"), max_length=200, help_text=_("Commissariat, brigade…"))
    service_email = forms.EmailField(label=_("Courriel du service"), required=False)
    received_on = forms.DateField(label=_("Reçue le"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Observations"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["protected_site"].queryset = sites


class RangeForm(forms.Form):
    """A camera and period a requisition asks for."""

    device = forms.ModelChoiceField(label=_("Caméra"), queryset=None)  # type: ignore[arg-type]
    starts_at = datetime_field(_("Du"))
    ends_at = datetime_field(_("Au"))

    def __init__(self, *args: Any, protected_site: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = Device.objects.filter(
            protected_site=protected_site, kind__in=CAMERA_KINDS
        ).order_by("name")


class HandoverForm(forms.Form):
    """The handover of the signed export, confirmed."""

    support = forms.ChoiceField(label=_("Support"), choices=HandoverSupport.choices)
    recipient_name = forms.CharField(label=_("Remis à (nom)"), max_length=150)
    recipient_quality = forms.CharField(label=_("Qualité du destinataire"), max_length=150)
    confirm = forms.BooleanField(
        label=_("Je confirme la remise de ces images : elle est définitive et inscrite au registre."), required=False
    )


class AccessRequestForm(forms.Form):
    """A person's request to see the recordings concerning them or to check their destruction."""

    protected_site = forms.ModelChoiceField(label=_("Site protégé"), queryset=None)  # type: ignore[arg-type]
    kind = forms.ChoiceField(label=_("Demande"), choices=AccessRequestKind.choices)
    requester_name = forms.CharField(label=_("Nom du demandeur"), max_length=150)
    requester_contact = forms.CharField(label=_("Adresse ou courriel du demandeur"), max_length=255)
    identity_checked = forms.BooleanField(label=_("Identité vérifiée (pièce d'identité)"), required=False)
    received_on = forms.DateField(label=_("Reçue le"), widget=DATE_WIDGET)
    starts_at = datetime_field(_("Période du"))
    ends_at = datetime_field(_("Au"))
    description = forms.CharField(
        label=_("Précisions (lieu, tenue…)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["protected_site"].queryset = sites


class AccessAnswerForm(forms.Form):
    """The answer to an access request."""

    decision = forms.ChoiceField(label=_("Réponse"), choices=[c for c in AccessDecision.choices if c[0]])
    refusal_ground = forms.ChoiceField(
        label=_("Motif du refus (CSI L253-5)"), choices=RefusalGround.choices, required=False
    )
    third_parties_visible = forms.BooleanField(label=_("Des tiers apparaissent sur les images"), required=False)
    masking_note = forms.CharField(
        label=_("Ce qui a été occulté"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Facultatif quand des zones sont occultées sur les fichiers : le manifeste les liste."),
    )
    answer = forms.CharField(label=_("Texte de la réponse"), widget=forms.Textarea(attrs={"rows": 4}))


class MaskRegionForm(forms.Form):
    """One region to hide, in percent of the picture (x, y from its top left corner); on a video, optionally from
    one second to another."""

    x = forms.DecimalField(label=_("x (%)"), min_value=0, max_value=100, decimal_places=2, required=False)
    y = forms.DecimalField(label=_("y (%)"), min_value=0, max_value=100, decimal_places=2, required=False)
    w = forms.DecimalField(label=_("largeur (%)"), min_value=0, max_value=100, decimal_places=2, required=False)
    h = forms.DecimalField(label=_("hauteur (%)"), min_value=0, max_value=100, decimal_places=2, required=False)
    start = forms.DecimalField(label=_("de (s, vidéo)"), min_value=0, decimal_places=1, required=False)
    end = forms.DecimalField(label=_("à (s, vidéo)"), min_value=0, decimal_places=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("x", "y", "w", "h", "start", "end"):
            self.fields[name].widget.attrs.update({"step": "0.1" if name in ("start", "end") else "0.01"})
            self.fields[name].widget.attrs["data-mask-field"] = name


MaskRegionFormSet = forms.formset_factory(
    MaskRegionForm, extra=1, can_delete=True, max_num=20, validate_max=True, absolute_max=20
)


class MaskingForm(forms.Form):
    """The regions to mask on one file of an access export, and how (the regions come from `formset`)."""

    style = forms.ChoiceField(label=_("Occultation"), choices=MaskStyle.choices, initial=MaskStyle.FILL)

    def __init__(self, *args: Any, formset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.formset = formset

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.formset.is_valid():
            raise forms.ValidationError(_("Corrigez les zones signalées."))
        cleaned["regions"] = [
            {k: str(v) for k, v in row.items() if k != "DELETE" and v is not None}
            for row in self.formset.cleaned_data
            if row and not row.get("DELETE") and any(row.get(k) is not None for k in ("x", "y", "w", "h"))
        ]
        return cleaned


class MaskWithdrawForm(forms.Form):
    """Withdraw a masked copy (the original would be handed over as it is)."""

    confirm = forms.BooleanField(label=_("Je retire cette copie occultée."))


class RegisterFilterForm(forms.Form):
    """Search the register."""

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Nature"), choices=[("", _("Toutes"))] + RegisterKind.choices, required=False)
    since = forms.DateField(label=_("Du"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=_("Au"), required=False, widget=DATE_WIDGET)


class AccessRegisterFilterForm(forms.Form):
    """Search the access register."""

    q = forms.CharField(label=_("Rechercher (personne, caméra, motif)"), required=False, max_length=100)
    action = forms.ChoiceField(label=_("Accès"), choices=(), required=False)
    since = forms.DateField(label=_("Du"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=_("Au"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, actions: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Tous"))] + actions


class StudyRequestForm(forms.Form):
    """A member asks for a security study of a site."""

    site = forms.ModelChoiceField(label=_("Site"), queryset=None)  # type: ignore[arg-type]
    request_note = forms.CharField(label=_("Votre besoin"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class StudyAssessForm(forms.Form):
    """The operator's risk assessment."""

    threats = forms.CharField(label=_("Menaces identifiées"), widget=forms.Textarea(attrs={"rows": 3}))
    zones = forms.CharField(label=_("Zones à protéger"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    recommendations = forms.CharField(label=_("Préconisations"), widget=forms.Textarea(attrs={"rows": 3}))


class StudyLineForm(forms.Form):
    """A recommended device from the catalogue."""

    item = forms.ModelChoiceField(label=_("Article du catalogue"), queryset=None)  # type: ignore[arg-type]
    quantity = forms.IntegerField(label=_("Quantité"), min_value=1, max_value=10000)
    location = forms.CharField(label=_("Emplacement préconisé"), max_length=200, required=False)

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda i: f"{i.reference} — {i.label}"
