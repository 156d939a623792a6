"""The public adhésion form: the body's identity (the back-office's fields and checks), the requester, the consent."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.members.choices import Competence
from mutualis.members.forms import MemberIdentityForm

# The honeypot: a field people never see nor reach; a robot filling every input gives itself away.
HONEYPOT_FIELD = "website"


class AdhesionRequestForm(MemberIdentityForm):
    """A public body asks to join the operator (public page, no account)."""

    contact_name = forms.CharField(label=_("Nom et prénom"), max_length=150)
    contact_function = forms.CharField(
        label=_("Fonction"), max_length=150, help_text=_("Par ex. directrice générale des services, principal.")
    )
    contact_email = forms.EmailField(label=_("Adresse électronique"))
    contact_phone = forms.CharField(label=_("Téléphone"), max_length=20, required=False)
    competences = forms.MultipleChoiceField(
        label=_("Compétences souhaitées"),
        choices=Competence.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez celles que vous envisagez de transférer ; elles seront précisées avec l'opérateur."),
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Précisez votre projet ou vos questions (facultatif)."),
    )
    consent = forms.BooleanField(
        label=_("J'accepte que ces coordonnées soient utilisées pour traiter ma demande."),
        help_text=_(
            "Vos coordonnées servent uniquement à traiter la demande : seuls les agents de l'opérateur qui "
            "l'instruisent y ont accès."
        ),
        error_messages={"required": _("Cochez cette case : sans elle, nous ne pouvons pas traiter votre demande.")},
    )
    website = forms.CharField(
        label=_("Ne remplissez pas ce champ."),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    IDENTITY_FIELDS = (
        "kind",
        "name",
        "siren",
        "siret",
        "departement",
        "commune_codes",
        "intercommunality",
        "establishment_type",
        "uai",
        "address",
    )
    CONTACT_FIELDS = ("contact_name", "contact_function", "contact_email", "contact_phone")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["kind"].label = _("Nature de la structure")
        fields["name"].help_text = _("Par ex. Commune de Viroflay, Collège Jean Racine.")
        fields["siret"].help_text = _("Facultatif : 14 chiffres, commençant par le SIREN.")
        fields["commune_codes"].label = _("Commune(s)")
        fields["commune_codes"].help_text = _(
            "Code INSEE ou nom (par ex. 78686 ou Viroflay) : pour une commune, la commune elle-même ; pour un "
            "établissement ou un organisme, la commune où il se trouve. Vide pour un département ou un EPCI / EPT."
        )
        fields["intercommunality"].help_text = _("Pour un EPCI ou un EPT seulement : choisissez-le dans la liste.")
        fields["establishment_type"].help_text = _("Pour un établissement public seulement (collège, EHPAD…).")
        fields["uai"].help_text = _("Pour un collège ou un lycée : 7 chiffres et une lettre, par ex. 0780001C.")
        fields["address"].widget.attrs.update(autocomplete="street-address")
        fields["contact_name"].widget.attrs.update(autocomplete="name")
        fields["contact_function"].widget.attrs.update(autocomplete="organization-title")
        fields["contact_email"].widget.attrs.update(autocomplete="email")
        fields["contact_phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")

    def identity_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.IDENTITY_FIELDS]

    def contact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CONTACT_FIELDS]

    def is_bot(self) -> bool:
        """True when the honeypot was filled: the submission is discarded without a word."""
        return bool((self.data.get(HONEYPOT_FIELD) or "").strip())

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as the keyword arguments of adhesion_request_submit."""
        data = self.cleaned_data
        extra = self.CONTACT_FIELDS + ("competences", "message")
        return self.member_kwargs() | {name: data[name] for name in extra}
