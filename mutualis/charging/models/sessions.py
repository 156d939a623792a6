from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mutualis.charging.choices import OcppVersion, ReconciliationReason, SessionOrigin, SessionStatus
from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet


class ChargingSession(BaseModel):
    """One charge (OCPP 1.6 transaction or 2.0.1 TransactionEvent sequence): who, where, when, how much energy."""

    member_path = "charge_point__station__site__member"

    charge_point = models.ForeignKey(
        "charging.ChargePoint", verbose_name=_("point de recharge"), on_delete=models.PROTECT, related_name="sessions"
    )
    connector = models.ForeignKey(
        "charging.Connector",
        verbose_name=_("connecteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    ocpp_version = models.CharField(_("version OCPP"), max_length=8, choices=OcppVersion.choices)
    # 1.6: the transactionId the central system issued (the session's own id); 2.0.1: the station's transactionId.
    transaction_ref = models.CharField(_("identifiant de transaction"), max_length=36, db_index=True)
    origin = models.CharField(_("origine"), max_length=16, choices=SessionOrigin.choices, default=SessionOrigin.STARTED)
    status = models.CharField(
        _("statut"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.ACTIVE, db_index=True
    )
    id_tag = models.CharField(_("badge présenté"), max_length=36, blank=True)
    tag = models.ForeignKey(
        "charging.IdTag",
        verbose_name=_("badge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    authorization_status = models.CharField(_("autorisation"), max_length=16, blank=True)
    reservation = models.ForeignKey(
        "charging.Reservation",
        verbose_name=_("réservation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    started_at = models.DateTimeField(_("début"), db_index=True)
    stopped_at = models.DateTimeField(_("fin"), null=True, blank=True)
    meter_start_wh = models.BigIntegerField(_("index au début (Wh)"), default=0)
    meter_stop_wh = models.BigIntegerField(_("index à la fin (Wh)"), null=True, blank=True)
    last_meter_wh = models.BigIntegerField(_("dernier index relevé (Wh)"), null=True, blank=True)
    last_meter_at = models.DateTimeField(_("dernier relevé le"), null=True, blank=True)
    last_power_w = models.FloatField(_("dernière puissance (W)"), null=True, blank=True)
    stop_reason = models.CharField(_("motif d'arrêt"), max_length=32, blank=True)
    charging_state = models.CharField(_("état de charge"), max_length=16, blank=True)
    seq_no = models.PositiveIntegerField(_("dernier numéro de séquence"), null=True, blank=True)
    # Closed (or completed) by the central system rather than by the point's own stop message.
    reconciled = models.BooleanField(_("rattrapée"), default=False, db_index=True)
    reconciliation_reason = models.CharField(
        _("motif du rattrapage"), max_length=24, choices=ReconciliationReason.choices, blank=True
    )
    reconciled_at = models.DateTimeField(_("rattrapée le"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("session de charge")
        verbose_name_plural = _("sessions de charge")
        constraints = [
            models.UniqueConstraint(
                fields=["charge_point", "transaction_ref"],
                condition=Q(origin="started"),
                name="charging_session_transaction_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="active", stopped_at__isnull=True) | Q(status="completed", stopped_at__isnull=False),
                name="charging_session_stopped_iff_completed",
                violation_error_message=_("Une session terminée a une heure de fin, et elle seule."),
            ),
        ]
        indexes = [models.Index(fields=["charge_point", "status"], name="charging_session_cp_status")]

    def __str__(self) -> str:
        return f"{self.charge_point.ocpp_identity} — {self.transaction_ref}"

    @property
    def energy_wh(self) -> int | None:
        """Energy delivered so far (or in all, once stopped), from the meter register."""
        end = self.meter_stop_wh if self.meter_stop_wh is not None else self.last_meter_wh
        return None if end is None else max(0, end - self.meter_start_wh)


class MeterValue(models.Model):
    """One sampled value a charge point sent (MeterValues, StopTransaction transactionData, TransactionEvent)."""

    member_path = "charge_point__station__site__member"

    charge_point = models.ForeignKey(
        "charging.ChargePoint", verbose_name=_("point de recharge"), on_delete=models.CASCADE, related_name="+"
    )
    session = models.ForeignKey(
        ChargingSession,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meter_values",
    )
    connector_id = models.PositiveIntegerField(_("connecteur"), default=0)
    timestamp = models.DateTimeField(_("horodatage (borne)"))
    received_at = models.DateTimeField(_("reçu le"), auto_now_add=True)
    measurand = models.CharField(_("grandeur"), max_length=64, default="Energy.Active.Import.Register")
    value = models.FloatField(_("valeur"))
    unit = models.CharField(_("unité"), max_length=16, blank=True)
    phase = models.CharField(_("phase"), max_length=8, blank=True)
    context = models.CharField(_("contexte"), max_length=32, blank=True)
    location = models.CharField(_("emplacement"), max_length=16, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["timestamp", "id"]
        verbose_name = _("relevé de compteur")
        verbose_name_plural = _("relevés de compteur")
        indexes = [models.Index(fields=["session", "timestamp"], name="charging_meter_session_ts")]

    def __str__(self) -> str:
        return f"{self.measurand} = {self.value} {self.unit}"
