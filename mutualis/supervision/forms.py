"""Forms of the supervision pages. They check the shape of the input; the services hold the rules."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualis.accounts.models import User
from mutualis.core.forms import DATE_WIDGET
from mutualis.supervision.choices import (
    AuthorisationPurpose,
    ContactRole,
    DeviceKind,
    EventKind,
    FalseAlarmCause,
    HabilitationKind,
    Priority,
    Qualification,
    SourceKind,
    Weekday,
    ZoneKind,
)
from mutualis.supervision.models import Alarm, EventSource, ProtectedSite
from mutualis.territory.models import Commune

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CommentForm(forms.Form):
    """A comment on an alarm."""

    prefix = "comment"  # the alarm page holds several forms: distinct field ids

    text = forms.CharField(label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class HoldForm(forms.Form):
    """Why the alarm waits."""

    prefix = "hold"  # the alarm page holds several forms: distinct field ids

    reason = forms.CharField(label=_("Motif de la mise en attente"), max_length=500)


class VerifyForm(forms.Form):
    """Levée de doute: the visual evidence it rests on."""

    prefix = "verify"  # the alarm page holds several forms: distinct field ids

    evidence_reference = forms.ChoiceField(label=_("Preuve visuelle"), choices=())
    note = forms.CharField(
        label=_("Constat"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )

    def __init__(self, *args: Any, alarm: Alarm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— Choisir la vignette ou la preuve —"))]
        for event in alarm.events.exclude(snapshot_url="").order_by("-occurred_at")[:20]:
            label = _("Vignette de l'événement %(id)s (%(at)s)") % {
                "id": event.source_event_id,
                "at": f"{event.occurred_at:%d/%m/%Y %H:%M:%S}",
            }
            choices.append((f"snapshot:{event.pk}", label))
        if alarm.snapshot_url and len(choices) == 1:
            choices.append((f"alarm-snapshot:{alarm.pk}", _("Vignette de l'alarme")))
        for entry in alarm.timeline.filter(kind="evidence").order_by("-at")[:20]:
            reference = str(entry.data.get("evidence", ""))
            if reference:
                choices.append((reference, entry.text or reference))
        self.fields["evidence_reference"].choices = choices


class PoliceCallForm(forms.Form):
    """« Appeler les forces de l'ordre »: who was called and the reference they gave."""

    prefix = "police"  # the alarm page holds several forms: distinct field ids

    service = forms.CharField(
        label=_("Service appelé"), max_length=150, help_text=_("17, police municipale, gendarmerie de…")
    )
    reference = forms.CharField(label=_("Référence donnée par le service"), max_length=100)
    note = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )


class CloseForm(forms.Form):
    """Qualification required to close."""

    prefix = "close"  # the alarm page holds several forms: distinct field ids

    qualification = forms.ChoiceField(label=_("Qualification"), choices=[c for c in Qualification.choices if c[0]])
    cause = forms.ChoiceField(
        label=_("Cause (fausse alarme)"),
        choices=[("", _("—"))] + [c for c in FalseAlarmCause.choices if c[0]],
        required=False,
    )
    note = forms.CharField(
        label=_("Compte rendu"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
        help_text=_("Obligatoire pour un incident avéré."),
    )


class ProtectForm(forms.Form):
    """Place a member's site under supervision."""

    site = forms.ModelChoiceField(label=_("Site de l'adhérent"), queryset=None)  # type: ignore[arg-type]
    restricted_access = forms.BooleanField(label=_("Locaux à accès restreint"), required=False)
    signage_installed = forms.BooleanField(label=_("Affichage d'information installé"), required=False)

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].label_from_instance = lambda s: f"{s.name} — {s.member.name} ({s.commune.name})"


class ProtectedSiteForm(forms.Form):
    """A protected site's settings."""

    is_college = forms.BooleanField(label=_("Collège (règles propres aux établissements scolaires)"), required=False)
    restricted_access = forms.BooleanField(label=_("Locaux à accès restreint"), required=False)
    signage_installed = forms.BooleanField(label=_("Affichage d'information installé"), required=False)
    signage_checked_on = forms.DateField(label=_("Affichage vérifié le"), required=False, widget=DATE_WIDGET)
    correlation_window_seconds = forms.IntegerField(
        label=_("Fenêtre de corrélation (secondes)"), min_value=10, max_value=86400
    )
    merge_door_forced_motion = forms.BooleanField(
        label=_("Fusionner porte forcée et mouvement en un incident"), required=False
    )
    merge_window_seconds = forms.IntegerField(label=_("Fenêtre de fusion (secondes)"), min_value=10, max_value=3600)
    heartbeat_timeout_minutes = forms.IntegerField(
        label=_("Délai sans signal de vie (minutes)"), min_value=1, max_value=1440
    )
    is_active = forms.BooleanField(label=_("Supervision active"), required=False)
    notes = forms.CharField(
        label=_("Consignes pour l'opérateur"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )

    @staticmethod
    def initial_for(site: ProtectedSite) -> dict[str, Any]:
        return {name: getattr(site, name) for name in ProtectedSiteForm.base_fields}


class AuthorisationForm(forms.Form):
    """An arrêté préfectoral."""

    arrete_reference = forms.CharField(label=_("Référence de l'arrêté"), max_length=100)
    arrete_date = forms.DateField(label=_("Date de l'arrêté"), widget=DATE_WIDGET)
    prefecture = forms.CharField(label=_("Préfecture"), max_length=100, required=False)
    purposes = forms.MultipleChoiceField(
        label=_("Finalités"), choices=AuthorisationPurpose.choices, widget=forms.CheckboxSelectMultiple
    )
    retention_days = forms.IntegerField(
        label=_("Durée de conservation (jours)"), min_value=1, help_text=_("30 jours au plus (CSI L252-5).")
    )
    covers_public_space = forms.BooleanField(label=_("Couvre la voie publique"), required=False)
    camera_count = forms.IntegerField(label=_("Nombre de caméras autorisées"), min_value=0, required=False)
    valid_from = forms.DateField(label=_("Valable à compter du"), widget=DATE_WIDGET)
    valid_until = forms.DateField(
        label=_("Valable jusqu'au"), widget=DATE_WIDGET, required=False, help_text=_("Vide : cinq ans (CSI L252-4).")
    )
    renewal_requested_on = forms.DateField(label=_("Renouvellement demandé le"), widget=DATE_WIDGET, required=False)
    revoked_on = forms.DateField(label=_("Retirée le"), widget=DATE_WIDGET, required=False)


class HabilitationForm(forms.Form):
    """A named person habilitated for the site."""

    email = forms.EmailField(label=_("Courriel du compte"), help_text=_("La personne doit déjà avoir un compte."))
    kind = forms.ChoiceField(label=_("Qualité"), choices=HabilitationKind.choices)
    can_view_images = forms.BooleanField(label=_("Accès aux images"), required=False, initial=True)
    commune = forms.ModelChoiceField(
        label=_("Commune (police municipale, maire)"),
        queryset=Commune.objects.none(),
        required=False,
        to_field_name="insee_code",
    )
    agrement_reference = forms.CharField(label=_("Référence de l'agrément"), max_length=100, required=False)
    agrement_expires_on = forms.DateField(label=_("Agrément valable jusqu'au"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args: Any, protected_site: ProtectedSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(pk=protected_site.site.commune_id).defer("contour")

    def clean_email(self) -> User:
        user = User.objects.filter(email__iexact=self.cleaned_data["email"], is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Aucun compte actif avec ce courriel."))
        return user


class DeviceForm(forms.Form):
    """A device at a site."""

    kind = forms.ChoiceField(label=_("Nature"), choices=DeviceKind.choices)
    name = forms.CharField(label=_("Nom"), max_length=150)
    source = forms.ModelChoiceField(label=_("Source d'événements"), queryset=EventSource.objects.none(), required=False)
    external_id = forms.CharField(label=_("Identifiant dans la source"), max_length=128, required=False)
    location = forms.CharField(label=_("Emplacement"), max_length=200, required=False)
    films_public_space = forms.BooleanField(label=_("Filme la voie publique"), required=False)
    indoor = forms.BooleanField(label=_("Intérieur"), required=False)
    zone_kind = forms.ChoiceField(label=_("Zone"), choices=ZoneKind.choices, required=False)
    analytics_enabled = forms.BooleanField(
        label=_("Analyse automatisée"), required=False, help_text=_("Désactivée par défaut ; jamais dans un collège.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = EventSource.objects.order_by("name")

    @staticmethod
    def initial_for(device: Any) -> dict[str, Any]:
        return {name: getattr(device, name) for name in DeviceForm.base_fields}


class SourceForm(forms.Form):
    """An event source."""

    name = forms.SlugField(
        label=_("Nom"), max_length=64, help_text=_("Lettres, chiffres, tirets (ex. frigate-versailles).")
    )
    kind = forms.ChoiceField(label=_("Nature"), choices=SourceKind.choices)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    mqtt_topic_prefix = forms.CharField(label=_("Préfixe MQTT"), max_length=128, required=False)
    frigate_base_url = forms.URLField(label=_("URL de l'API HTTP Frigate"), required=False, assume_scheme="https")
    onvif_url = forms.URLField(
        label=_("URL ONVIF"),
        required=False,
        assume_scheme="https",
        help_text=_("Service device de la caméra ou de l'enregistreur, ex. http://10.0.0.64/onvif/device_service."),
    )
    onvif_username = forms.CharField(label=_("Identifiant ONVIF"), max_length=64, required=False)
    # Never rendered back (render_value=False): the stored password is sealed and only the ingest process opens it.
    onvif_password = forms.CharField(
        label=_("Mot de passe ONVIF"),
        max_length=128,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class SourceEditForm(SourceForm):
    """An event source's settings (its token is renewed apart; an empty password keeps the stored one)."""

    onvif_password_clear = forms.BooleanField(label=_("Effacer le mot de passe ONVIF enregistré"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, source: EventSource, **kwargs: Any) -> None:
        initial = {name: getattr(source, name) for name in self.base_fields if hasattr(source, name)}
        initial.pop("onvif_password", None)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["onvif_password"].help_text = (
            _("Un mot de passe est enregistré : laisser vide pour le garder.")
            if source.onvif_password_set
            else _("Aucun mot de passe enregistré.")
        )


class ContactForm(forms.Form):
    """A contact of the escalation chain."""

    position = forms.IntegerField(label=_("Rang"), min_value=1, max_value=20)
    role = forms.ChoiceField(label=_("Rôle"), choices=ContactRole.choices)
    name = forms.CharField(label=_("Nom"), max_length=150)
    phone = forms.CharField(label=_("Téléphone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Courriel"), required=False)
    delay_minutes = forms.IntegerField(label=_("Délai après l'alarme (minutes)"), min_value=0, max_value=1440)


class OpeningHoursForm(forms.Form):
    """A collège's weekly opening hours (one period a day; lieux de vie cameras are off during them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day in Weekday:
            self.fields[f"opens_{day.value}"] = forms.TimeField(
                label=_("%(day)s : ouverture") % {"day": day.label}, required=False, widget=TIME_WIDGET
            )
            self.fields[f"closes_{day.value}"] = forms.TimeField(
                label=_("%(day)s : fermeture") % {"day": day.label}, required=False, widget=TIME_WIDGET
            )

    def periods(self) -> list[tuple[int, datetime.time, datetime.time]]:
        """The filled days as (weekday, opens_at, closes_at)."""
        out = []
        for day in Weekday:
            opens, closes = self.cleaned_data.get(f"opens_{day.value}"), self.cleaned_data.get(f"closes_{day.value}")
            if opens and closes:
                out.append((day.value, opens, closes))
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day in Weekday:
            if bool(data.get(f"opens_{day.value}")) != bool(data.get(f"closes_{day.value}")):
                self.add_error(f"closes_{day.value}", _("Indiquez l'ouverture et la fermeture, ou aucune des deux."))
        return data

    @staticmethod
    def initial_for(site: ProtectedSite) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for period in site.opening_periods.all():
            initial[f"opens_{period.weekday}"], initial[f"closes_{period.weekday}"] = period.opens_at, period.closes_at
        return initial


class PriorityRuleForm(forms.Form):
    """A site's priority for alarms of one kind (empty: the kind's default)."""

    kind = forms.ChoiceField(label=_("Nature d'événement"), choices=EventKind.choices)
    priority = forms.TypedChoiceField(
        label=_("Priorité"),
        choices=[("", _("Par défaut"))] + list(Priority.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
