"""Forms of the live view and of a camera's recordings."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.core.forms import DATE_WIDGET


class LiveReasonForm(forms.Form):
    """Why the camera is watched live (the access register keeps it)."""

    reason = forms.CharField(
        label=_("Motif du visionnage"),
        max_length=500,
        help_text=_("Par exemple : levée de doute sur l'alarme n° 12, ronde vidéo de nuit."),
        error_messages={"required": _("Indiquez le motif du visionnage en direct.")},
    )


class PlayReasonForm(forms.Form):
    """Why a recording is played back (the access register keeps it)."""

    reason = forms.CharField(
        label=_("Motif de la relecture"),
        max_length=500,
        help_text=_("Par exemple : plainte pour dégradation du 3 mars, réquisition n° …"),
        error_messages={"required": _("Indiquez le motif de la relecture.")},
    )


class RecordingFilterForm(forms.Form):
    """A camera's recordings over a period."""

    since = forms.DateField(label=_("Du"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=_("Au"), required=False, widget=DATE_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("La fin de la période précède son début."))
        return data
