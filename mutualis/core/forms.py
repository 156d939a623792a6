from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

from mutualis.core import audit_labels, selectors

# The browser's date picker; the ISO format is what <input type="date"> reads back.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AmountField(forms.DecimalField):
    """A decimal typed the French way: comma for decimals, spaces (or narrow no-break spaces) between thousands
    ("2 000,50")."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace(",", ".")
        return super().to_python(value)


class AuditFilterForm(forms.Form):
    """Filters of the audit journal, as an inspector searches it: actions and object types chosen by their French
    label, a member by name or SIREN (the member page links with its number, `member_id`), a period."""

    q = forms.CharField(label=_("Recherche"), required=False, help_text=_("Objet, auteur ou motif"))
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Type d'objet"), required=False)
    member = forms.CharField(label=_("Adhérent"), required=False, max_length=200, help_text=_("Nom, SIREN ou commune"))
    member_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    date_from = forms.DateField(label=_("Du"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("Au"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        actions, object_types = selectors.audit_codes_in_use(user=user)
        action, object_type = cast(forms.ChoiceField, self.fields["action"]), self.fields["object_type"]
        action.choices = [("", _("Toutes")), *audit_labels.action_choices(actions)]
        cast(forms.ChoiceField, object_type).choices = [
            ("", _("Tous")),
            *audit_labels.object_type_choices(object_types),
        ]
        # The members the filter kept, {id: name}, for the page to name them.
        self.members: dict[int, str] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to",
                _("La date « Au » (%(end)s) précède la date « Du » (%(start)s) : aucune entrée ne peut correspondre.")
                % {"end": f"{end:%d/%m/%Y}", "start": f"{start:%d/%m/%Y}"},
            )
        text = (data.get("member") or "").strip()
        if text:
            self.members = audit_labels.members_matching(self.user, text)
            if not self.members:
                self.add_error("member", _("Aucun adhérent ne correspond à « %(text)s ».") % {"text": text})
        elif data.get("member_id"):
            self.members = audit_labels.member_names(self.user, [data["member_id"]])
            if not self.members:
                self.add_error(None, _("Cet adhérent n'existe pas."))
        if self.members:
            data["member_ids"] = list(self.members)
        return data


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
