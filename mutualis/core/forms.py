from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

# The browser's date picker; the ISO format is what <input type="date"> reads back.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    """Filters of the audit log page."""

    q = forms.CharField(label=_("Recherche"), required=False, help_text=_("Objet, auteur ou motif"))
    action = forms.CharField(label=_("Action"), required=False)
    object_type = forms.CharField(label=_("Type d'objet"), required=False)
    member_id = forms.IntegerField(label=_("N° d'adhérent"), required=False, min_value=1)
    date_from = forms.DateField(label=_("Du"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("Au"), required=False, widget=DATE_WIDGET)


def apply_service_errors(form: forms.Form, exc: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: each message under its field (renamed by `field_map`), or
    at the top when the form has no such field."""
    field_map = field_map or {}
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages in errors.items():
        target = field_map.get(field, field) if field else None
        form.add_error(target if target in form.fields else None, messages)


class UncutBoundField(forms.BoundField):
    """A field rendered without the `maxlength` its max_length would add: a browser cuts longer text silently (a
    300-character paste kept as 100), where the server refuses it with the limit in the message."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if getattr(self.field, "max_length", None) is not None:
            attrs["maxlength"] = False  # a False attribute is left out of the tag
        return attrs


class HouseFormRenderer(DjangoTemplates):
    """The project's form renderer (settings.FORM_RENDERER): Django's templates, fields as UncutBoundField."""

    bound_field_class = UncutBoundField
