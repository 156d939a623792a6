"""Forms of the charging pages. They check the shape of the input (the model fields' own validators, AFIREV ids
included, give their French messages); the services hold the rules. Each command form turns its fields into the
OCPP 1.6J payload `services.commands.request_command` expects."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualis.assets.choices import AssetKind
from mutualis.assets.models import Asset
from mutualis.charging.choices import CommandAction, IdTagStatus
from mutualis.charging.models import ChargePoint, IdTag, Station
from mutualis.charging.services.registry import CHARGE_POINT_FIELDS, STATION_FIELDS
from mutualis.core.collation import french
from mutualis.core.forms import DATE_WIDGET
from mutualis.members.choices import Competence
from mutualis.members.models import CompetenceTransfer, Member, Site

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _charging_assets(member_id: int | None = None) -> Any:
    queryset = Asset.objects.filter(kind=AssetKind.CHARGING_STATION).select_related("member").order_by("designation")
    return queryset.filter(member_id=member_id) if member_id else queryset


class StationForm(forms.Form):
    """A station: where it stands, how it may be used (IRVE statique fields), its site and asset."""

    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    asset = forms.ModelChoiceField(label=_("Équipement (borne) du parc"), queryset=Asset.objects.none(), required=False)

    def __init__(self, *args: Any, station: Station | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(Station, fields=[f for f in STATION_FIELDS if f != "commune"])
        for name, field in model_fields.items():
            self.fields[name] = field
        self.fields["notes"].widget = _TEXTAREA
        self.fields["commissioned_on"].widget = DATE_WIDGET
        # The sites of the members holding the EV charging competence today (the service checks it again).
        holders = CompetenceTransfer.objects.filter(competence=Competence.EV_CHARGING).active_on(timezone.localdate())
        sites = Site.objects.filter(member_id__in=holders.values("member_id"))
        if station is not None:
            sites = Site.objects.filter(member_id=station.site.member_id)
            self.initial = {name: getattr(station, name) for name in model_fields} | {
                "site": station.site_id,
                "asset": station.asset_id,
            }
        self.fields["site"].queryset = sites.select_related("member").distinct().order_by(french("name"))
        self.fields["asset"].queryset = _charging_assets(station.site.member_id if station else None)


class ChargePointForm(forms.Form):
    """A charge point: AFIREV id, OCPP identity and version, power, sockets; at creation its connectors and
    optional Basic auth password."""

    asset = forms.ModelChoiceField(label=_("Équipement du parc"), queryset=Asset.objects.none(), required=False)

    def __init__(self, *args: Any, station: Station, charge_point: ChargePoint | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(ChargePoint, fields=list(CHARGE_POINT_FIELDS))
        for name, field in model_fields.items():
            self.fields[name] = field
        self.fields["asset"].queryset = _charging_assets(station.site.member_id)
        if charge_point is None:
            self.fields["connectors"] = forms.IntegerField(
                label=_("Nombre de connecteurs"), min_value=1, max_value=8, initial=1
            )
            self.fields["password"] = forms.CharField(
                label=_("Mot de passe OCPP (facultatif)"),
                required=False,
                strip=False,
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                help_text=_("16 à 40 caractères, sans « : » ; vide : la borne se connecte sans mot de passe."),
            )
        else:
            self.initial = {name: getattr(charge_point, name) for name in model_fields} | {
                "asset": charge_point.asset_id
            }


class PasswordForm(forms.Form):
    """The Basic auth password a charge point must present (empty: none)."""

    password = forms.CharField(
        label=_("Nouveau mot de passe OCPP"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("16 à 40 caractères, sans « : » ; laissez vide pour ne plus demander de mot de passe."),
    )


class IdTagForm(forms.Form):
    """A badge: its identifier and member (at creation), holder, status, expiry."""

    member = forms.ModelChoiceField(label=_("Adhérent"), queryset=Member.objects.none())
    id_tag = forms.CharField(label=_("Identifiant du badge"), max_length=20)
    holder = forms.CharField(label=_("Titulaire"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Statut"), choices=IdTagStatus.choices, initial=IdTagStatus.ACCEPTED)
    expires_at = forms.DateTimeField(label=_("Expire le"), required=False, widget=DATETIME_WIDGET)
    parent_id_tag = forms.CharField(label=_("Badge parent"), max_length=20, required=False)
    notes = forms.CharField(label=_("Observations"), required=False, widget=_TEXTAREA)

    def __init__(self, *args: Any, tag: IdTag | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if tag is None:
            self.fields["member"].queryset = Member.objects.order_by(french("name"))
        else:
            del self.fields["member"], self.fields["id_tag"]
            self.initial = {name: getattr(tag, name) for name in self.fields}


class PowerCapForm(forms.Form):
    """A station's power cap, shared between its charge points."""

    limit_kw = forms.DecimalField(label=_("Puissance maximale (kW)"), min_value=0, max_digits=7, decimal_places=2)
    note = forms.CharField(label=_("Motif"), max_length=255, required=False)


# --- Commands: one form per action, each building its OCPP 1.6J payload --------------------------------------

_CONNECTOR = {"label": _("Connecteur"), "min_value": 0, "max_value": 8}


class CommandForm(forms.Form):
    """A command without parameters; subclasses add fields and build the payload from them."""

    action: str = ""

    def payload(self) -> dict[str, Any]:
        return {}


class RemoteStartForm(CommandForm):
    action = CommandAction.REMOTE_START
    id_tag = forms.CharField(label=_("Badge"), max_length=20)
    connector_id = forms.IntegerField(
        label=_("Connecteur"), min_value=1, max_value=8, required=False, help_text=_("Vide : au choix de la borne.")
    )

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"idTag": self.cleaned_data["id_tag"]}
        if self.cleaned_data.get("connector_id"):
            data["connectorId"] = self.cleaned_data["connector_id"]
        return data


class RemoteStopForm(CommandForm):
    action = CommandAction.REMOTE_STOP
    transaction_id = forms.IntegerField(label=_("Numéro de transaction"), min_value=1)

    def payload(self) -> dict[str, Any]:
        return {"transactionId": self.cleaned_data["transaction_id"]}


class ResetForm(CommandForm):
    action = CommandAction.RESET
    type = forms.ChoiceField(
        label=_("Redémarrage"), choices=[("Soft", _("Logiciel (doux)")), ("Hard", _("Matériel (complet)"))]
    )

    def payload(self) -> dict[str, Any]:
        return {"type": self.cleaned_data["type"]}


class UnlockForm(CommandForm):
    action = CommandAction.UNLOCK_CONNECTOR
    connector_id = forms.IntegerField(label=_("Connecteur"), min_value=1, max_value=8, initial=1)

    def payload(self) -> dict[str, Any]:
        return {"connectorId": self.cleaned_data["connector_id"]}


class AvailabilityForm(CommandForm):
    action = CommandAction.CHANGE_AVAILABILITY
    connector_id = forms.IntegerField(**_CONNECTOR, initial=0, help_text=_("0 : le point entier."))  # type: ignore[arg-type]
    type = forms.ChoiceField(
        label=_("Disponibilité"), choices=[("Operative", _("En service")), ("Inoperative", _("Hors service"))]
    )

    def payload(self) -> dict[str, Any]:
        return {"connectorId": self.cleaned_data["connector_id"], "type": self.cleaned_data["type"]}


class GetConfigurationForm(CommandForm):
    action = CommandAction.GET_CONFIGURATION
    keys = forms.CharField(
        label=_("Clés"), required=False, max_length=500, help_text=_("Séparées par des virgules ; vide : toutes.")
    )

    def payload(self) -> dict[str, Any]:
        keys = [key.strip() for key in self.cleaned_data["keys"].split(",") if key.strip()]
        return {"key": keys} if keys else {}


class ChangeConfigurationForm(CommandForm):
    action = CommandAction.CHANGE_CONFIGURATION
    key = forms.CharField(label=_("Clé"), max_length=50)
    value = forms.CharField(label=_("Valeur"), max_length=500, strip=False)

    def payload(self) -> dict[str, Any]:
        return {"key": self.cleaned_data["key"], "value": self.cleaned_data["value"]}


class ReserveForm(CommandForm):
    action = CommandAction.RESERVE_NOW
    id_tag = forms.CharField(label=_("Badge"), max_length=20)
    connector_id = forms.IntegerField(**_CONNECTOR, initial=0, help_text=_("0 : n'importe quel connecteur."))  # type: ignore[arg-type]
    expires_at = forms.DateTimeField(label=_("Jusqu'au"), widget=DATETIME_WIDGET)


class CancelReservationForm(CommandForm):
    action = CommandAction.CANCEL_RESERVATION
    reservation = forms.ModelChoiceField(label=_("Réservation"), queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args: Any, reservations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reservation"].queryset = reservations  # type: ignore[attr-defined]


class TriggerForm(CommandForm):
    action = CommandAction.TRIGGER_MESSAGE
    requested_message = forms.ChoiceField(
        label=_("Message demandé"),
        choices=[
            ("StatusNotification", "StatusNotification"),
            ("Heartbeat", "Heartbeat"),
            ("MeterValues", "MeterValues"),
            ("BootNotification", "BootNotification"),
            ("DiagnosticsStatusNotification", "DiagnosticsStatusNotification"),
            ("FirmwareStatusNotification", "FirmwareStatusNotification"),
        ],
    )
    connector_id = forms.IntegerField(**_CONNECTOR, required=False)  # type: ignore[arg-type]

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"requestedMessage": self.cleaned_data["requested_message"]}
        if self.cleaned_data.get("connector_id") is not None:
            data["connectorId"] = self.cleaned_data["connector_id"]
        return data


class LocalListForm(CommandForm):
    action = CommandAction.SEND_LOCAL_LIST
    full = forms.BooleanField(
        label=_("Liste complète"),
        required=False,
        help_text=_("Sinon, seuls les badges changés depuis la version de la borne."),
    )


# The command forms by URL slug, in the order the station page shows them.
COMMAND_FORMS: dict[str, type[CommandForm]] = {
    "demarrer": RemoteStartForm,
    "arreter": RemoteStopForm,
    "redemarrer": ResetForm,
    "deverrouiller": UnlockForm,
    "disponibilite": AvailabilityForm,
    "lire-configuration": GetConfigurationForm,
    "modifier-configuration": ChangeConfigurationForm,
    "reserver": ReserveForm,
    "annuler-reservation": CancelReservationForm,
    "demander-message": TriggerForm,
    "liste-locale": LocalListForm,
}
