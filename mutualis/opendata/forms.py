"""The portal's search form: words, theme, commune, format (a GET filter bar)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.opendata import registry, selectors


class DatasetSearchForm(forms.Form):
    """Find datasets by words, theme, commune covered and file format."""

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200)
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    format = forms.ChoiceField(label=_("Format"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("Tous"))]
        used_themes = {theme for dataset in registry.datasets() for theme in dataset.themes}
        self.fields["theme"].choices = everything + [
            (code, label) for code, label in registry.THEMES.items() if code in used_themes
        ]
        self.fields["commune"].choices = [("", _("Toutes"))] + [
            (place.code, f"{place.name} ({place.code})") for place in selectors.commune_choices()
        ]
        self.fields["format"].choices = everything + [
            (code, label) for code, (_media, _eu, label) in registry.FORMATS.items()
        ]
