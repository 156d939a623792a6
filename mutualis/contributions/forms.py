from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.contributions.choices import YEAR_MAX, YEAR_MIN, CallStatus
from mutualis.core.forms import AmountField
from mutualis.members.choices import MemberKind
from mutualis.territory.models import Departement


class YearForm(forms.Form):
    """The year a page shows (a select of useful years; any year from 2000 to 2100 is accepted)."""

    year = forms.TypedChoiceField(label=_("Année"), coerce=int, choices=())

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        asked = self.data.get("year") if self.is_bound else None
        years = list(years)
        if (
            asked
            and str(asked).isascii()
            and str(asked).isdigit()
            and YEAR_MIN <= int(asked) <= YEAR_MAX
            and int(asked) not in years
        ):
            years = sorted([*years, int(asked)], reverse=True)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["year"].error_messages["invalid_choice"] = _(
            "Choisissez une année comprise entre %(min)s et %(max)s."
        ) % {"min": YEAR_MIN, "max": YEAR_MAX}


class CallFilterForm(YearForm):
    """Filters of the calls list and of its CSV export."""

    q = forms.CharField(
        label=_("Recherche"), required=False, max_length=100, help_text=_("Adhérent, SIREN ou numéro d'appel")
    )
    departement = forms.ModelChoiceField(
        label=_("Département"),
        queryset=Departement.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Tous"),
    )
    kind = forms.ChoiceField(
        label=_("Nature d'adhérent"), required=False, choices=[("", _("Toutes")), *MemberKind.choices]
    )
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=[("", _("Tous")), *CallStatus.choices])


class RateForm(forms.Form):
    """The rate of one competence for one year (decimal comma accepted)."""

    per_inhabitant = AmountField(
        label=_("Montant par habitant (€)"),
        max_digits=8,
        decimal_places=4,
        min_value=0,
        localize=True,
        error_messages={"min_value": _("Le montant ne peut pas être négatif.")},
    )
    floor = AmountField(
        label=_("Plancher (€)"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        localize=True,
        error_messages={"min_value": _("Le montant ne peut pas être négatif.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})


class IssueForm(forms.Form):
    """Confirmation of issuing a year's calls."""

    year = forms.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, widget=forms.HiddenInput)


class CancelForm(forms.Form):
    """Cancelling a call needs a reason (kept in the call and the audit log)."""

    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez le motif de l'annulation.")},
    )
