from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.charging.choices import (
    CommandAction,
    CommandStatus,
    MessageDirection,
    MessageKind,
    ProfilePurpose,
    ReservationStatus,
)
from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet


class Command(BaseModel):
    """A central system → charge point request from the operator (page or API), its delivery and the answer."""

    member_path = "charge_point__station__site__member"

    charge_point = models.ForeignKey(
        "charging.ChargePoint", verbose_name=_("point de recharge"), on_delete=models.CASCADE, related_name="commands"
    )
    action = models.CharField(_("commande"), max_length=32, choices=CommandAction.choices)
    # The OCPP payload as the operator asked it (1.6J field names); the gateway adapts it for 2.0.1.
    payload = models.JSONField(_("paramètres"), default=dict, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=CommandStatus.choices, default=CommandStatus.PENDING, db_index=True
    )
    result = models.JSONField(_("réponse"), null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message_id = models.CharField(_("identifiant du message"), max_length=36, blank=True)
    gateway_id = models.CharField(_("passerelle"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("abandonnée après"))

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("commande")
        verbose_name_plural = _("commandes")
        indexes = [models.Index(fields=["status", "charge_point"], name="charging_command_pending")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} → {self.charge_point.ocpp_identity}"


class Reservation(BaseModel):
    """A connector reserved for a badge until a time (ReserveNow); its OCPP reservationId is its own id."""

    member_path = "charge_point__station__site__member"

    charge_point = models.ForeignKey(
        "charging.ChargePoint",
        verbose_name=_("point de recharge"),
        on_delete=models.CASCADE,
        related_name="reservations",
    )
    connector_id = models.PositiveIntegerField(_("connecteur"), default=0)
    id_tag = models.CharField(_("badge"), max_length=20)
    expires_at = models.DateTimeField(_("expire le"))
    status = models.CharField(
        _("état"), max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.REQUESTED
    )
    command = models.ForeignKey(
        Command, verbose_name=_("commande"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-expires_at", "-id"]
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")

    def __str__(self) -> str:
        return f"{self.charge_point.ocpp_identity} #{self.connector_id} → {self.id_tag}"


class ChargingProfile(BaseModel):
    """A power cap on a station (its site's supply), shared by its charge points through SetChargingProfile."""

    member_path = "station__site__member"

    station = models.ForeignKey(
        "charging.Station", verbose_name=_("station"), on_delete=models.CASCADE, related_name="charging_profiles"
    )
    limit_kw = models.DecimalField(_("puissance maximale (kW)"), max_digits=7, decimal_places=2)
    purpose = models.CharField(
        _("objet"), max_length=24, choices=ProfilePurpose.choices, default=ProfilePurpose.CHARGE_POINT_MAX
    )
    stack_level = models.PositiveSmallIntegerField(_("niveau"), default=0)
    is_active = models.BooleanField(_("en vigueur"), default=True)
    note = models.CharField(_("motif"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("limite de puissance")
        verbose_name_plural = _("limites de puissance")

    def __str__(self) -> str:
        return f"{self.station.name} ≤ {self.limit_kw} kW"


class MessageLog(models.Model):
    """An OCPP frame exchanged with a charge point (kept a few days, for the station page and support)."""

    member_path = "charge_point__station__site__member"

    charge_point = models.ForeignKey(
        "charging.ChargePoint", verbose_name=_("point de recharge"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("le"), db_index=True)
    direction = models.CharField(_("sens"), max_length=3, choices=MessageDirection.choices)
    kind = models.CharField(_("type"), max_length=8, choices=MessageKind.choices)
    action = models.CharField(_("action"), max_length=40, blank=True)
    message_id = models.CharField(_("identifiant du message"), max_length=36, blank=True)
    payload = models.JSONField(_("contenu"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("message OCPP")
        verbose_name_plural = _("messages OCPP")
        indexes = [models.Index(fields=["charge_point", "-at"], name="charging_message_cp_at")]

    def __str__(self) -> str:
        return f"{self.direction} {self.kind} {self.action}"
