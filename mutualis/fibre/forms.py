"""Forms of the fibre pages. They check the shape of the input; the services hold the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.core.collation import french
from mutualis.core.forms import DATE_WIDGET
from mutualis.fibre.choices import ImportLayout, PMZoneState
from mutualis.fibre.models import DeploymentPlan, PMZone
from mutualis.fibre.models.plan import FIRST_YEAR, LAST_YEAR
from mutualis.territory.models import Commune


class ImportForm(forms.Form):
    """An operator file to import and its layout."""

    layout = forms.ChoiceField(
        label=_("Format du fichier"),
        choices=ImportLayout.choices,
        widget=forms.RadioSelect,
        initial=ImportLayout.IPE,
    )
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_("Séparateur « ; », encodage UTF-8 (avec ou sans BOM) ou Windows-1252 (Latin-1)."),
    )


class PlanForm(forms.Form):
    """A commune's deployment plan."""

    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none(), to_field_name="insee_code")
    premises_planned = forms.IntegerField(label=_("Locaux à desservir"), min_value=0)
    contractor = forms.CharField(label=_("Titulaire du marché"), max_length=200, required=False)
    notes = forms.CharField(label=_("Observations"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, plan: DeploymentPlan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if plan is not None:
            del self.fields["commune"]
        else:
            self.fields["commune"].queryset = (
                Commune.objects.filter(fibre_plan__isnull=True).defer("contour").order_by(french("name"))
            )

    @staticmethod
    def initial_for(plan: DeploymentPlan) -> dict[str, Any]:
        return {"premises_planned": plan.premises_planned, "contractor": plan.contractor, "notes": plan.notes}


class TargetForm(forms.Form):
    """The premises a plan makes connectable in one year."""

    year = forms.IntegerField(label=_("Année"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    premises = forms.IntegerField(
        label=_("Locaux rendus raccordables dans l'année"), min_value=0, help_text=_("0 retire l'objectif de l'année.")
    )


class PMZoneForm(forms.Form):
    """A PM zone of a commune's plan."""

    reference = forms.CharField(
        label=_("Référence du PM"),
        max_length=100,
        help_text=_("Celle des fichiers : ReferencePM (IPE), zs_code (GraceTHD)."),
    )
    premises_planned = forms.IntegerField(label=_("Locaux de la zone"), min_value=0)
    planned_on = forms.DateField(label=_("Mise en service prévue le"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, zone: PMZone | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if zone is not None:
            del self.fields["reference"]

    @staticmethod
    def initial_for(zone: PMZone) -> dict[str, Any]:
        return {"premises_planned": zone.premises_planned, "planned_on": zone.planned_on}


class PMZoneTransitionForm(forms.Form):
    """Move a PM zone to its next state (the date for a commissioning)."""

    to_state = forms.ChoiceField(label=_("Nouvel état"), choices=PMZoneState.choices)
    on = forms.DateField(
        label=_("Date de mise en service"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Pour une mise en service : les adresses déployées de la zone sont raccordables à cette date."),
    )
    reason = forms.CharField(label=_("Motif"), max_length=500, required=False)

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(PMZoneState.choices)
        self.fields["to_state"].choices = [(state, labels[state]) for state in allowed]
