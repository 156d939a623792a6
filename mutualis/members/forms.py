"""Forms of the member space and the back-office. They check the shape of the input; the services hold the rules."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mutualis.core.collation import french
from mutualis.core.forms import DATE_WIDGET
from mutualis.members.choices import (
    DELIBERATION_REQUIRED,
    REASON_REQUIRED,
    Competence,
    EstablishmentType,
    MemberKind,
    MemberRole,
    SiteKind,
)
from mutualis.members.models import CompetenceTransfer, Member
from mutualis.members.validators import compact_number, validate_siren, validate_siret
from mutualis.territory.models import Commune, Departement, Intercommunality
from mutualis.territory.search import normalize_name


def resolve_communes(text: str) -> list[Commune]:
    """Communes named by INSEE code or by name, separated by commas or semicolons; unknown ones are refused."""
    found: list[Commune] = []
    unknown: list[str] = []
    for token in (part.strip() for part in re.split(r"[,;\n]+", text or "")):
        if not token:
            continue
        code = token.split()[0]
        commune = (
            Commune.objects.filter(insee_code=code.upper()).first() if re.fullmatch(r"\d[\dAB]\d{3}", code) else None
        )
        if commune is None:
            matches = list(Commune.objects.filter(Q(search_name=normalize_name(token)) | Q(name__iexact=token))[:2])
            commune = matches[0] if len(matches) == 1 else None
        if commune is None:
            unknown.append(token)
        elif commune not in found:
            found.append(commune)
    if unknown:
        raise ValidationError(
            _("Commune inconnue : %(names)s. Indiquez le code INSEE (par ex. 78646) ou le nom exact."),
            params={"names": ", ".join(unknown)},
            code="unknown_commune",
        )
    return found


class MemberIdentityForm(forms.Form):
    """A public body's identity and territory: shared by the back-office form and the public adhésion form."""

    name = forms.CharField(label=_("Dénomination"), max_length=200)
    kind = forms.ChoiceField(label=_("Nature"), choices=MemberKind.choices)
    establishment_type = forms.ChoiceField(
        label=_("Type d'établissement"),
        choices=EstablishmentType.choices,
        required=False,
        help_text=_("Pour un établissement public seulement."),
    )
    siren = forms.CharField(label=_("SIREN"), max_length=20, help_text=_("9 chiffres, par ex. 227806460."))
    siret = forms.CharField(
        label=_("SIRET du siège"), max_length=24, required=False, help_text=_("14 chiffres, commençant par le SIREN.")
    )
    uai = forms.CharField(label=_("Code UAI"), max_length=8, required=False, help_text=_("Collèges et lycées."))
    departement = forms.ModelChoiceField(
        label=_("Département"), queryset=Departement.objects.order_by("code"), to_field_name="code"
    )
    commune_codes = forms.CharField(
        label=_("Communes"),
        required=False,
        help_text=_(
            "Codes INSEE ou noms, séparés par des virgules (par ex. 78646 ou Versailles). Vide pour un département ; "
            "pour un EPCI ou un EPT, ses communes sont reprises d'office."
        ),
    )
    intercommunality = forms.ModelChoiceField(
        label=_("EPCI / EPT"),
        queryset=Intercommunality.objects.order_by(french("name"), "pk"),
        required=False,
        help_text=_("L'EPCI ou l'EPT adhérent lui-même ; sinon, déduit de la commune."),
    )
    address = forms.CharField(label=_("Adresse"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["siren"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["siret"].widget.attrs.update(inputmode="numeric", autocomplete="off")

    def clean_siren(self) -> str:
        value = compact_number(self.cleaned_data["siren"])
        validate_siren(value)
        return value

    def clean_siret(self) -> str:
        value = compact_number(self.cleaned_data.get("siret"))
        if value:
            validate_siret(value)
        return value

    def clean_commune_codes(self) -> list[Commune]:
        return resolve_communes(self.cleaned_data.get("commune_codes", ""))

    def member_kwargs(self) -> dict[str, Any]:
        """The identity fields as keyword arguments of the member services (communes under their service name)."""
        data = {name: self.cleaned_data[name] for name in MemberIdentityForm.base_fields}
        data["communes"] = data.pop("commune_codes")
        return data


class MemberForm(MemberIdentityForm):
    """A member's identity and territory, and its contact details (back-office)."""

    email = forms.EmailField(label=_("Courriel de contact"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["phone"].widget.attrs.update(autocomplete="tel")

    @classmethod
    def initial_for(cls, member: Member) -> dict[str, Any]:
        """The form's initial values for an existing member."""
        return {
            "name": member.name,
            "kind": member.kind,
            "establishment_type": member.establishment_type,
            "siren": member.siren,
            "siret": member.siret,
            "uai": member.uai,
            "departement": member.departement,
            "commune_codes": ", ".join(member.communes.values_list("insee_code", flat=True)),
            "intercommunality": member.intercommunality,
            "address": member.address,
            "email": member.email,
            "phone": member.phone,
        }

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as the keyword arguments of member_create / member_update."""
        return self.member_kwargs() | {"email": self.cleaned_data["email"], "phone": self.cleaned_data["phone"]}


class MemberCreateForm(MemberForm):
    """A new member (back-office), with the day its request was received when it is known."""

    requested_on = forms.DateField(
        label=_("Demande reçue le"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_(
            "Date de réception de la demande d'adhésion : la délibération et les étapes qui y répondent ne peuvent "
            "la précéder. Laissez vide si elle n'est pas connue (adhésion antérieure à Mutualis)."
        ),
    )

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as the keyword arguments of member_create."""
        return super().service_kwargs() | {"requested_on": self.cleaned_data["requested_on"]}


def site_communes(member: Member) -> Any:
    """The communes a member's site may be in: its own communes, or its département's when it has none listed."""
    communes = member.communes.all()
    if not communes.exists():
        communes = Commune.objects.filter(departement_id=member.departement_id)
    return communes.order_by(french("name"), "pk")


class SiteForm(forms.Form):
    """A member's place."""

    name = forms.CharField(label=_("Nom"), max_length=200)
    kind = forms.ChoiceField(label=_("Nature"), choices=SiteKind.choices)
    address = forms.CharField(label=_("Adresse"), max_length=255)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none())
    latitude = forms.FloatField(
        label=_("Latitude"), required=False, localize=True, help_text=_("En degrés décimaux, par ex. 48,8049.")
    )
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, localize=True, help_text=_("En degrés décimaux, par ex. 2,1204.")
    )
    # Unchecked unless chosen: a new site is published only on purpose (the form's script proposes it for town halls,
    # schools and public buildings, see models.site.PUBLIC_SITE_KINDS).
    is_public = forms.BooleanField(label=_("Site visible du public"), required=False)

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communes = site_communes(member)
        self.fields["commune"].queryset = communes
        if len(only := communes[:2]) == 1:
            # A commune member's sites are all in its commune: chosen already, and its contour drawn on the map.
            self.fields["commune"].initial = only[0]
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update(inputmode="decimal")
        # The checkbox's explanation is written under it by the template (checkboxes show no help text).
        self.fields["is_public"].widget.attrs["aria-describedby"] = f"{self['is_public'].auto_id}_helptext"


class InviteForm(forms.Form):
    """Invite someone to a member by e-mail, with a role; the name is that of a new account."""

    email = forms.EmailField(label=_("Adresse électronique"), max_length=254)
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        required=False,
        help_text=_("Pour un nouveau compte : une personne déjà inscrite garde le nom qu'elle a choisi."),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=MemberRole.choices, initial=MemberRole.READER)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="off")
        self.fields["first_name"].widget.attrs.update(autocomplete="off")
        self.fields["last_name"].widget.attrs.update(autocomplete="off")


class RoleForm(forms.Form):
    """Change a user's role in a member."""

    role = forms.ChoiceField(label=_("Rôle"), choices=MemberRole.choices)


class JoinRequestApproveForm(forms.Form):
    """Approve a request to join a member, with the role given (reader unless the manager chooses more)."""

    role = forms.ChoiceField(label=_("Rôle"), choices=MemberRole.choices, initial=MemberRole.READER)


class TransitionForm(forms.Form):
    """One step of the adhésion workflow: deliberation for an approval, a reason for a refusal or withdrawal."""

    deliberation_reference = forms.CharField(
        label=_("Référence de la délibération"),
        max_length=100,
        help_text=_("Délibération du comité syndical approuvant l'adhésion, par ex. CS-2026-014."),
    )
    deliberation_date = forms.DateField(label=_("Date de la délibération"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))
    effective_date = forms.DateField(
        label=_("Date d'effet"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Laissez vide pour aujourd'hui ; une date passée enregistre une décision antérieure."),
    )

    def __init__(self, *args: Any, to_status: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"t-{to_status}")
        super().__init__(*args, **kwargs)
        self.to_status = to_status
        if to_status not in DELIBERATION_REQUIRED:
            del self.fields["deliberation_reference"], self.fields["deliberation_date"]
        if to_status not in REASON_REQUIRED:
            del self.fields["reason"]


class CompetencePeriodForm(forms.Form):
    """The period of a competence transfer and its deliberation."""

    start_date = forms.DateField(label=_("Date de début"), widget=DATE_WIDGET)
    end_date = forms.DateField(
        label=_("Date de fin"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Laisser vide si elle n'est pas connue."),
    )
    deliberation_reference = forms.CharField(label=_("Référence de la délibération"), max_length=100, required=False)


class CompetenceForm(CompetencePeriodForm):
    """Record a competence transfer."""

    competence = forms.ChoiceField(label=_("Compétence"), choices=Competence.choices)
    field_order = ["competence"]


class CompetenceUpdateForm(CompetencePeriodForm):
    """Correct a mistaken competence transfer: its dates and deliberation (the competence itself stays)."""

    reason = forms.CharField(
        label=_("Motif de la correction"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def initial_for(cls, transfer: CompetenceTransfer) -> dict[str, Any]:
        """The transfer as recorded."""
        return {name: getattr(transfer, name) for name in CompetencePeriodForm.base_fields}


class CompetenceCancelForm(forms.Form):
    """Cancel a competence transfer recorded by mistake: the reason is required (it goes to the audit log)."""

    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Par exemple : saisi sur le mauvais adhérent, délibération jamais adoptée."),
    )


class CompetenceEndForm(forms.Form):
    """End a competence transfer."""

    end_date = forms.DateField(
        label=_("Dernier jour du transfert"),
        widget=DATE_WIDGET,
        help_text=_("La compétence est encore exercée ce jour-là."),
    )
    reason = forms.CharField(label=_("Motif"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(forms.Form):
    """A confirmation with an optional reason."""

    reason = forms.CharField(label=_("Motif (facultatif)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GeocodeForm(forms.Form):
    """The site form's question to the geocoder: an address in one of the member's communes (GET parameters)."""

    adresse = forms.CharField(max_length=255)
    commune = forms.ModelChoiceField(queryset=Commune.objects.none())

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = site_communes(member)
