"""Devices at protected sites and the event sources (Frigate, ONVIF, webhook) that report them."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.supervision.choices import CAMERA_KINDS, DeviceKind, SourceKind, ZoneKind


class EventSource(BaseModel):
    """Something that sends events (a Frigate server, an ONVIF device, a webhook emitter), with its own token."""

    name = models.SlugField(_("nom"), max_length=64, unique=True)
    kind = models.CharField(_("nature"), max_length=16, choices=SourceKind.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)
    # Only the SHA-256 of the token is kept: it is shown once, when made or rotated.
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, blank=True, db_index=True)
    token_prefix = models.CharField(_("début du jeton"), max_length=8, blank=True)
    token_rotated_at = models.DateTimeField(_("jeton renouvelé le"), null=True, blank=True)
    mqtt_topic_prefix = models.CharField(_("préfixe MQTT"), max_length=128, blank=True, help_text=_("ex. frigate"))
    frigate_base_url = models.URLField(_("URL de l'API HTTP Frigate"), blank=True)
    onvif_url = models.URLField(_("URL ONVIF"), blank=True)
    onvif_username = models.CharField(_("identifiant ONVIF"), max_length=64, blank=True)
    # Encrypted at rest (Fernet, key from settings: integrations/onvif/credentials.py); never shown back.
    onvif_password_sealed = models.TextField(_("mot de passe ONVIF (chiffré)"), blank=True, editable=False)
    # What the ingest process last failed on (wrong password, device unreachable…), cleared when it works again.
    last_error = models.CharField(_("dernière erreur"), max_length=255, blank=True)
    last_error_at = models.DateTimeField(_("erreur le"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    online = models.BooleanField(_("en ligne"), default=True)
    last_seen_at = models.DateTimeField(_("dernier message le"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source d'événements")
        verbose_name_plural = _("sources d'événements")

    def __str__(self) -> str:
        return self.name

    @property
    def onvif_password_set(self) -> bool:
        """Whether an ONVIF password is stored (what pages and the audit say instead of the password)."""
        return bool(self.onvif_password_sealed)


class Device(BaseModel):
    """A camera, reader, sensor or recorder at a protected site, known to its source by an external id."""

    member_path = "protected_site__site__member"

    protected_site = models.ForeignKey(
        "supervision.ProtectedSite", verbose_name=_("site protégé"), on_delete=models.CASCADE, related_name="devices"
    )
    kind = models.CharField(_("nature"), max_length=24, choices=DeviceKind.choices)
    name = models.CharField(_("nom"), max_length=150)
    asset = models.ForeignKey(
        "assets.Asset",
        verbose_name=_("équipement du parc"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervision_devices",
    )
    source = models.ForeignKey(
        EventSource,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
    )
    external_id = models.CharField(_("identifiant dans la source"), max_length=128, blank=True)
    films_public_space = models.BooleanField(_("filme la voie publique"), default=False)
    indoor = models.BooleanField(_("intérieur"), default=False)
    zone_kind = models.CharField(_("zone"), max_length=16, choices=ZoneKind.choices, blank=True, default="")
    location = models.CharField(_("emplacement"), max_length=200, blank=True)
    # « Caméras augmentées »: off unless the operator turns them on where the law allows.
    analytics_enabled = models.BooleanField(_("analyse automatisée"), default=False)
    # Wanted on by the operator…
    is_active = models.BooleanField(_("activé"), default=False)
    # …and supervised only while the legal frame allows it (the services keep this in step).
    is_supervised = models.BooleanField(_("supervisé"), default=False)
    suspended_reason = models.CharField(_("motif de suspension"), max_length=255, blank=True)
    online = models.BooleanField(_("en ligne"), default=True)
    last_heartbeat_at = models.DateTimeField(_("dernier signal de vie"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("dernier événement"), null=True, blank=True)
    # Anomaly detection: the usual hourly event rate (learned) and the factor beyond which it is abnormal.
    usual_hourly_rate = models.FloatField(_("activité horaire habituelle"), null=True, blank=True)
    anomaly_factor = models.FloatField(
        _("facteur d'anomalie"), default=20.0, validators=[MinValueValidator(2.0), MaxValueValidator(1000.0)]
    )
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["protected_site", "name"]
        verbose_name = _("équipement supervisé")
        verbose_name_plural = _("équipements supervisés")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_device_external_id_per_source",
                violation_error_message=_("Cette source a déjà un équipement de cet identifiant."),
            )
        ]
        indexes = [models.Index(fields=["is_supervised", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_camera(self) -> bool:
        """Whether the device films (cameras are what the authorisation and collège rules are about)."""
        return self.kind in CAMERA_KINDS
