"""Forms of the education pages: filters, établissements, import, referents."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mutualis.assets.choices import AssetKind
from mutualis.core.forms import DATE_WIDGET, AmountField
from mutualis.education.choices import (
    ApplicationStatus,
    AssignmentTarget,
    Audience,
    BeneficiaryKind,
    Condition,
    EstablishmentKind,
    LoanStatus,
    Sector,
)
from mutualis.education.models import Establishment, Resource
from mutualis.education.rules import LENDABLE_KINDS
from mutualis.members.choices import OPEN_STATUSES, MemberKind
from mutualis.members.models import Member, Site
from mutualis.territory.models import Commune, Departement


class EstablishmentFilterForm(forms.Form):
    """Search and filters of the établissement list."""

    q = forms.CharField(label=_("Rechercher (nom, UAI, commune)"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Nature"), required=False, choices=[("", _("Toutes"))] + EstablishmentKind.choices)
    sector = forms.ChoiceField(label=_("Secteur"), required=False, choices=[("", _("Tous"))] + Sector.choices)
    departement = forms.ModelChoiceField(
        label=_("Département"),
        required=False,
        queryset=Departement.objects.filter(communes__education_establishments__isnull=False)
        .distinct()
        .defer("contour")
        .order_by("code"),
        to_field_name="code",
        empty_label=_("Tous"),
    )

    def filters(self) -> dict[str, Any]:
        """The valid filters as plain values for establishment_list."""
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["departement"] = data["departement"].code if data.get("departement") else ""
        return data


class EstablishmentForm(forms.Form):
    """An établissement's identity, owner and figures."""

    uai = forms.CharField(
        label=_("Code UAI"), max_length=8, help_text=_("7 chiffres et la lettre clé, par ex. 0780001C.")
    )
    name = forms.CharField(label=_("Nom"), max_length=200)
    kind = forms.ChoiceField(label=_("Nature"), choices=EstablishmentKind.choices)
    sector = forms.ChoiceField(label=_("Secteur"), choices=Sector.choices)
    commune = forms.CharField(label=_("Commune (code INSEE)"), max_length=5)
    member = forms.ModelChoiceField(
        label=_("Adhérent propriétaire"),
        queryset=Member.objects.filter(kind__in=[MemberKind.DEPARTEMENT, MemberKind.COMMUNE], status__in=OPEN_STATUSES),
        help_text=_("Le département pour un collège, la commune pour une école."),
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.filter(is_active=True), required=False)
    pupils = forms.IntegerField(label=_("Nombre d'élèves"), min_value=0, initial=0)
    classes = forms.IntegerField(label=_("Nombre de classes"), min_value=0, initial=0)
    pupils_with_disability = forms.IntegerField(
        label=_("Élèves en situation de handicap reconnu"), min_value=0, initial=0
    )

    def clean_commune(self) -> Commune:
        code = self.cleaned_data["commune"].strip()
        commune = Commune.objects.filter(insee_code=code).first()
        if commune is None:
            raise forms.ValidationError(_("Commune inconnue : indiquez son code INSEE à 5 caractères."))
        return commune

    @staticmethod
    def initial_for(establishment: Any) -> dict[str, Any]:
        """The form's initial values for an existing établissement."""
        return {
            "uai": establishment.uai,
            "name": establishment.name,
            "kind": establishment.kind,
            "sector": establishment.sector,
            "commune": establishment.commune.insee_code,
            "member": establishment.member_id,
            "site": establishment.site_id,
            "pupils": establishment.pupils,
            "classes": establishment.classes,
            "pupils_with_disability": establishment.pupils_with_disability,
        }


class ImportForm(forms.Form):
    """A CSV export of the Annuaire de l'éducation."""

    file = forms.FileField(
        label=_("Fichier CSV de l'annuaire de l'éducation"),
        help_text=_(
            "Colonnes Identifiant_de_l_etablissement, Nom_etablissement, Type_etablissement, Statut_public_prive, "
            "Code_commune (et Nombre_d_eleves, Nombre_de_classes facultatives). Séparateur « ; » ou « , »."
        ),
    )


class ReferentForm(forms.Form):
    """A referent by the e-mail of their account."""

    email = forms.EmailField(label=_("Courriel du compte du référent"))


class ResourceForm(forms.Form):
    """A resource of the ENT's catalogue."""

    publisher = forms.CharField(label=_("Éditeur"), max_length=120)
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    audience = forms.ChoiceField(label=_("Public"), choices=Audience.choices)
    is_active = forms.BooleanField(label=_("Proposée aux établissements"), required=False, initial=True)


class SubscriptionForm(forms.Form):
    """An établissement's subscription: resource, period, licences, and the purchasing order when paid."""

    resource = forms.ModelChoiceField(label=_("Ressource"), queryset=Resource.objects.filter(is_active=True))
    starts_on = forms.DateField(label=_("Début"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Fin"), widget=DATE_WIDGET)
    licences = forms.IntegerField(label=_("Nombre de licences"), min_value=1)
    order = forms.CharField(
        label=_("Numéro du bon de commande (abonnement payant)"),
        required=False,
        max_length=30,
        help_text=_("La commande passée par la centrale d'achat (par ex. BC-2026-00012) ; vide si gratuite."),
    )


class AssignmentForm(forms.Form):
    """Licences for a pupil or a teacher (pseudonym from the ENT) or for a class group (one per pupil)."""

    target = forms.ChoiceField(label=_("Bénéficiaire"), choices=AssignmentTarget.choices)
    pseudonym = forms.CharField(
        label=_("Identifiant pseudonyme (élève ou enseignant)"),
        required=False,
        max_length=64,
        help_text=_("L'identifiant opaque fourni par l'ENT ; jamais le nom de la personne."),
    )
    class_group = forms.CharField(
        label=_("Classe"), required=False, max_length=30, help_text=_("Par ex. 3A, 5e2, ULIS.")
    )
    licences = forms.IntegerField(
        label=_("Licences (élèves de la classe)"), min_value=1, initial=1, help_text=_("Pour une classe seulement.")
    )


class ResourceFilterForm(forms.Form):
    """Search of the catalogue and of subscriptions."""

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)


class LoanForm(forms.Form):
    """Lend a device: the asset by serial number, the borrower, the dates, the condition and the deposit."""

    serial_number = forms.CharField(label=_("N° de série de l'équipement"), max_length=100)
    beneficiary_kind = forms.ChoiceField(label=_("Emprunteur"), choices=BeneficiaryKind.choices)
    beneficiary_reference = forms.CharField(
        label=_("Référence de l'emprunteur"),
        max_length=100,
        help_text=_("Pseudonyme d'un élève, d'un enfant ou d'un résident ; nom d'un enseignant ; code d'une classe."),
    )
    establishment = forms.ModelChoiceField(label=_("Établissement"), queryset=None, required=False)
    beneficiary_member = forms.ModelChoiceField(
        label=_("Adhérent de l'emprunteur (ASE : le département ; résident : l'EHPAD)"),
        queryset=Member.objects.filter(Q(kind=MemberKind.DEPARTEMENT) | Q(establishment_type="ehpad")),
        required=False,
    )
    starts_on = forms.DateField(label=_("Début du prêt"), widget=DATE_WIDGET)
    due_on = forms.DateField(label=_("Retour prévu"), widget=DATE_WIDGET)
    condition_out = forms.ChoiceField(label=_("État au départ"), choices=Condition.choices, initial=Condition.GOOD)
    deposit = AmountField(label=_("Caution (€)"), min_value=0, max_digits=8, decimal_places=2, initial=0)
    programme = forms.ModelChoiceField(label=_("Programme inclusion"), queryset=None, required=False)
    note = forms.CharField(label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, establishments: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = establishments
        self.fields["programme"].queryset = programmes


class LoanReturnForm(forms.Form):
    """A device coming back: date and condition (damaged sends it to repair)."""

    returned_on = forms.DateField(label=_("Rendu le"), widget=DATE_WIDGET)
    condition_back = forms.ChoiceField(label=_("État au retour"), choices=Condition.choices)
    note = forms.CharField(label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LoanFilterForm(forms.Form):
    """Search and filters of the loan list."""

    q = forms.CharField(label=_("Rechercher (n° de série, désignation, emprunteur)"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=[("", _("Tous"))] + LoanStatus.choices)
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)


class CampaignForm(forms.Form):
    """A crisis campaign."""

    member = forms.ModelChoiceField(
        label=_("Adhérent prêteur"), queryset=Member.objects.filter(status__in=OPEN_STATUSES)
    )
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    asset_kind = forms.ChoiceField(
        label=_("Nature des équipements"), choices=[(k, AssetKind(k).label) for k in LENDABLE_KINDS], initial="tablet"
    )
    quantity = forms.IntegerField(label=_("Équipements à attribuer"), min_value=1)
    starts_on = forms.DateField(label=_("Début des prêts"), widget=DATE_WIDGET)
    due_on = forms.DateField(label=_("Retour prévu"), widget=DATE_WIDGET)


class CampaignBeneficiaryForm(forms.Form):
    """One person of a campaign's list."""

    kind = forms.ChoiceField(label=_("Emprunteur"), choices=BeneficiaryKind.choices)
    reference = forms.CharField(label=_("Pseudonyme"), max_length=100)
    beneficiary_member = forms.ModelChoiceField(
        label=_("Adhérent de l'emprunteur (ASE : le département ; résident : l'EHPAD)"),
        queryset=Member.objects.filter(Q(kind=MemberKind.DEPARTEMENT) | Q(establishment_type="ehpad")),
        required=False,
    )
    establishment = forms.ModelChoiceField(label=_("Établissement"), queryset=None, required=False)
    site = forms.ModelChoiceField(label=_("Site de remise"), queryset=Site.objects.filter(is_active=True))

    def __init__(self, *args: Any, establishments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = establishments


class CallForm(forms.Form):
    """A call for an educational project."""

    school_year = forms.CharField(label=_("Année scolaire"), max_length=9, help_text=_("Par ex. 2025-2026."))
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    theme = forms.CharField(label=_("Thème de l'année"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    eligible_classes = forms.CharField(label=_("Classes éligibles"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Classes retenues au plus"), min_value=1)
    opens_on = forms.DateField(label=_("Ouverture des candidatures"), widget=DATE_WIDGET)
    closes_on = forms.DateField(label=_("Clôture des candidatures"), widget=DATE_WIDGET)
    starts_on = forms.DateField(label=_("Début du projet"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Fin du projet"), widget=DATE_WIDGET)
    kit_description = forms.CharField(label=_("Kit prêté"), max_length=200, required=False)
    kit_kind = forms.ChoiceField(
        label=_("Nature du kit"),
        required=False,
        choices=[("", _("Aucun kit"))] + [(k, AssetKind(k).label) for k in LENDABLE_KINDS],
    )
    eligible_establishments = forms.ModelMultipleChoiceField(
        label=_("Collèges éligibles (aucun : tous)"),
        queryset=Establishment.objects.filter(kind=EstablishmentKind.COLLEGE).order_by("name"),
        required=False,
    )


class ApplicationForm(forms.Form):
    """A collège's application for one class."""

    establishment = forms.ModelChoiceField(label=_("Collège"), queryset=None)
    class_name = forms.CharField(label=_("Classe"), max_length=30, help_text=_("Par ex. 3e B, ULIS, UPE2A."))
    teacher_name = forms.CharField(label=_("Enseignant référent du projet"), max_length=120)
    motivation = forms.CharField(label=_("Motivation"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, establishments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = establishments


class DecisionForm(forms.Form):
    """Select or reject an application."""

    to_status = forms.ChoiceField(
        label=_("Décision"),
        choices=[(ApplicationStatus.SELECTED, _("Retenir")), (ApplicationStatus.REJECTED, _("Ne pas retenir"))],
    )
    note = forms.CharField(
        label=_("Motif (envoyé au collège)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class KitLoanForm(forms.Form):
    """Lend the call's kit to a selected class."""

    serial_number = forms.CharField(label=_("N° de série du kit"), max_length=100)


class OutcomeForm(forms.Form):
    """The year-end outcome of a selected class's project."""

    outcome = forms.CharField(label=_("Bilan de fin d'année"), widget=forms.Textarea(attrs={"rows": 4}))
