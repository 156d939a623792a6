from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from mutualis.charging import rules
from mutualis.charging.choices import (
    AccessCondition,
    Connection,
    ConnectorStatus,
    Implantation,
    OcppVersion,
    PmrAccessibility,
    RegistrationStatus,
)
from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet


class Station(BaseModel):
    """A charging station (« station », AFIREV pool) at a member's site: where it is and how it may be used."""

    member_path = "site__member"

    id_station_itinerance = models.CharField(
        _("identifiant AFIREV de la station"),
        max_length=rules.IRVE_ID_MAX_LENGTH,
        unique=True,
        validators=[rules.validate_station_id],
        help_text=_("« FR », le code opérateur AFIREV, « P », puis l'identifiant de la station, sans séparateur."),
        error_messages={"unique": _("Une station porte déjà cet identifiant AFIREV.")},
    )
    id_station_local = models.CharField(_("identifiant local"), max_length=100, blank=True)
    name = models.CharField(_("nom"), max_length=200)
    site = models.ForeignKey(
        "members.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="charging_stations"
    )
    commune = models.ForeignKey(
        "territory.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="charging_stations"
    )
    address = models.CharField(_("adresse"), max_length=255)
    latitude = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    implantation = models.CharField(
        _("implantation"), max_length=40, choices=Implantation.choices, default=Implantation.STREET
    )
    access_condition = models.CharField(
        _("conditions d'accès"), max_length=20, choices=AccessCondition.choices, default=AccessCondition.FREE
    )
    opening_hours = models.CharField(
        _("horaires"), max_length=255, default="24/7", help_text=_("« 24/7 » ou « Mo-Fr 08:00-18:00,Sa 09:00-12:00 ».")
    )
    pmr_accessibility = models.CharField(
        _("accessibilité PMR"), max_length=40, choices=PmrAccessibility.choices, default=PmrAccessibility.UNKNOWN
    )
    height_restriction = models.CharField(_("restriction de gabarit"), max_length=100, default="Inconnu")
    two_wheelers = models.BooleanField(_("station deux-roues"), default=False)
    reservable = models.BooleanField(_("réservation possible"), default=False)
    free_of_charge = models.BooleanField(_("gratuit"), default=False)
    payment_per_session = models.BooleanField(_("paiement à l'acte"), default=True)
    payment_card = models.BooleanField(_("paiement par carte bancaire"), default=False)
    payment_other = models.BooleanField(_("autre moyen de paiement"), default=True)
    tariff = models.CharField(_("tarification"), max_length=255, blank=True)
    grid_connection = models.CharField(
        _("raccordement"), max_length=10, choices=Connection.choices, blank=True, default=Connection.DIRECT
    )
    pdl_number = models.CharField(_("numéro de PDL"), max_length=64, blank=True)
    commissioned_on = models.DateField(_("mise en service le"), null=True, blank=True)
    notes = models.TextField(_("observations"), blank=True)
    is_published = models.BooleanField(
        _("publiée"), default=True, help_text=_("Visible sur la carte publique et dans les données ouvertes IRVE.")
    )
    asset = models.OneToOneField(
        "assets.Asset",
        verbose_name=_("équipement (borne)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charging_station",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("station de recharge")
        verbose_name_plural = _("stations de recharge")

    def __str__(self) -> str:
        return f"{self.name} ({self.id_station_itinerance})"


class ChargePoint(BaseModel):
    """A charge point (« point de recharge », AFIREV EVSE) with its own OCPP connection to the gateway."""

    member_path = "station__site__member"

    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="charge_points"
    )
    id_pdc_itinerance = models.CharField(
        _("identifiant AFIREV du point de recharge"),
        max_length=rules.IRVE_ID_MAX_LENGTH,
        unique=True,
        validators=[rules.validate_charge_point_id],
        help_text=_("« FR », le code opérateur AFIREV, « E », puis l'identifiant du point, sans séparateur."),
        error_messages={"unique": _("Un point de recharge porte déjà cet identifiant AFIREV.")},
    )
    id_pdc_local = models.CharField(_("identifiant local"), max_length=100, blank=True)
    ocpp_identity = models.CharField(
        _("identité OCPP"),
        max_length=48,
        unique=True,
        validators=[rules.validate_ocpp_identity],
        help_text=_("Le dernier segment de l'adresse ws://…/ocpp/<identité> à laquelle la borne se connecte."),
        error_messages={"unique": _("Un point de recharge utilise déjà cette identité OCPP.")},
    )
    ocpp_version = models.CharField(
        _("version OCPP"), max_length=8, choices=OcppVersion.choices, default=OcppVersion.V16
    )
    # Security profile 1 (HTTP Basic auth over TLS at the reverse proxy): empty means no password asked.
    password_hash = models.CharField(_("mot de passe OCPP (empreinte)"), max_length=255, blank=True)
    power_kw = models.DecimalField(
        _("puissance nominale (kW)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    socket_type_2 = models.BooleanField(_("prise type 2"), default=False)
    socket_type_ef = models.BooleanField(_("prise type E/F"), default=False)
    socket_combo_ccs = models.BooleanField(_("prise combo CCS"), default=False)
    socket_chademo = models.BooleanField(_("prise CHAdeMO"), default=False)
    socket_other = models.BooleanField(_("autre prise"), default=False)
    cable_t2_attached = models.BooleanField(_("câble type 2 attaché"), default=False)
    is_active = models.BooleanField(
        _("en service"), default=True, help_text=_("Une borne hors service est refusée à la connexion.")
    )
    asset = models.OneToOneField(
        "assets.Asset",
        verbose_name=_("équipement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charge_point",
    )

    # Live state, written by the gateway.
    is_online = models.BooleanField(_("connectée"), default=False, db_index=True)
    connected_protocol = models.CharField(_("protocole de la connexion"), max_length=8, blank=True)
    connected_at = models.DateTimeField(_("connectée depuis"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("dernier message le"), null=True, blank=True)
    offline_since = models.DateTimeField(_("déconnectée depuis"), null=True, blank=True)
    offline_notified = models.BooleanField(_("déconnexion signalée"), default=False)
    gateway_id = models.CharField(_("passerelle"), max_length=100, blank=True)
    registration_status = models.CharField(
        _("état d'enregistrement"), max_length=10, choices=RegistrationStatus.choices, blank=True
    )
    boot_at = models.DateTimeField(_("dernier démarrage le"), null=True, blank=True)
    boot_reason = models.CharField(_("motif du démarrage"), max_length=40, blank=True)
    vendor = models.CharField(_("constructeur"), max_length=50, blank=True)
    model = models.CharField(_("modèle"), max_length=50, blank=True)
    serial_number = models.CharField(_("numéro de série déclaré"), max_length=50, blank=True)
    firmware_version = models.CharField(_("version du micrologiciel"), max_length=50, blank=True)
    firmware_status = models.CharField(_("état de la mise à jour"), max_length=40, blank=True)
    diagnostics_status = models.CharField(_("état des diagnostics"), max_length=40, blank=True)
    heartbeat_interval = models.PositiveIntegerField(_("intervalle de battement (s)"), default=300)
    local_list_version = models.IntegerField(
        _("version de la liste locale"),
        default=0,
        help_text=_("Version de la liste des badges que la borne a confirmée (0 : aucune)."),
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["station", "id_pdc_itinerance"]
        verbose_name = _("point de recharge")
        verbose_name_plural = _("points de recharge")
        constraints = [
            models.UniqueConstraint(
                Upper("ocpp_identity"),
                name="charging_identity_unique_ci",
                violation_error_message=_("Un point de recharge utilise déjà cette identité OCPP."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.ocpp_identity} ({self.id_pdc_itinerance})"


class Connector(models.Model):
    """A connector of a charge point (OCPP 1.6 connectorId ≥ 1; OCPP 2.0.1 an EVSE's connector) and its status.

    The whole point's status (1.6 connector 0) is kept on the charge point's connector 0 row."""

    member_path = "charge_point__station__site__member"

    charge_point = models.ForeignKey(
        ChargePoint, verbose_name=_("point de recharge"), on_delete=models.CASCADE, related_name="connectors"
    )
    # 1.6: evse_id == connector_id; 2.0.1: the EVSE and its connector.
    evse_id = models.PositiveIntegerField(_("EVSE"), default=1)
    connector_id = models.PositiveIntegerField(_("connecteur"), default=1)
    status = models.CharField(
        _("état"), max_length=16, choices=ConnectorStatus.choices, default=ConnectorStatus.UNKNOWN, db_index=True
    )
    error_code = models.CharField(_("code d'erreur"), max_length=50, blank=True)
    info = models.CharField(_("information"), max_length=255, blank=True)
    vendor_error_code = models.CharField(_("code d'erreur constructeur"), max_length=50, blank=True)
    status_at = models.DateTimeField(_("état au"), null=True, blank=True)
    # When the status entered the faulted/unavailable family (notifications after N minutes).
    fault_since = models.DateTimeField(_("en défaut depuis"), null=True, blank=True)
    fault_notified = models.BooleanField(_("défaut signalé"), default=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["charge_point", "evse_id", "connector_id"]
        verbose_name = _("connecteur")
        verbose_name_plural = _("connecteurs")
        constraints = [
            models.UniqueConstraint(
                fields=["charge_point", "evse_id", "connector_id"], name="charging_connector_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.charge_point.ocpp_identity} #{self.connector_id}"
