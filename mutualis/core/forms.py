from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    """Filters of the audit log page."""

    q = forms.CharField(label=_("Recherche"), required=False, help_text=_("Objet, auteur ou motif"))
    action = forms.CharField(label=_("Action"), required=False)
    object_type = forms.CharField(label=_("Type d'objet"), required=False)
    member_id = forms.IntegerField(label=_("N° d'adhérent"), required=False, min_value=1)
    date_from = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
