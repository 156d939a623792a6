"""Events from sources, the alarms they raise, their timeline, police calls, escalation and correlation rules."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.supervision.choices import (
    AlarmCategory,
    AlarmStatus,
    ContactRole,
    EventKind,
    FalseAlarmCause,
    Priority,
    Qualification,
    Severity,
    TechnicalKind,
    TimelineKind,
)


class Alarm(BaseModel):
    """What the operator handles: one or more correlated events, or a technical alarm about a device's health."""

    member_path = "protected_site__site__member"

    # No index of their own: the (site, kind, status, last event) and (device, kind, status, last event) indexes
    # begin with them, and each index is one more write for every alarm a storm raises.
    protected_site = models.ForeignKey(
        "supervision.ProtectedSite",
        verbose_name=_("site protégé"),
        on_delete=models.PROTECT,
        related_name="alarms",
        db_index=False,
    )
    device = models.ForeignKey(
        "supervision.Device",
        verbose_name=_("équipement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alarms",
        db_index=False,
    )
    category = models.CharField(
        _("catégorie"), max_length=16, choices=AlarmCategory.choices, default=AlarmCategory.SECURITY
    )
    kind = models.CharField(_("nature"), max_length=24, choices=EventKind.choices)
    technical_kind = models.CharField(_("défaut"), max_length=16, choices=TechnicalKind.choices, blank=True, default="")
    title = models.CharField(_("intitulé"), max_length=255)
    priority = models.PositiveSmallIntegerField(_("priorité"), choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(_("statut"), max_length=16, choices=AlarmStatus.choices, default=AlarmStatus.NEW)
    # A source's own grouping (a Frigate review id…): its later events update this alarm, never a new one.
    source_ref = models.CharField(_("référence de la source"), max_length=160, blank=True, db_index=True)
    zone = models.CharField(_("zone"), max_length=128, blank=True)
    snapshot_url = models.URLField(_("vignette"), max_length=500, blank=True)
    first_event_at = models.DateTimeField(_("premier événement"))
    last_event_at = models.DateTimeField(_("dernier événement"))
    event_count = models.PositiveIntegerField(_("événements"), default=0)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pris en charge par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acquittée le"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acquittée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # Levée de doute: the operator looked, and attached the visual evidence it rests on.
    verified_at = models.DateTimeField(_("levée de doute le"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("levée de doute par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    verification_evidence = models.CharField(_("preuve de la levée de doute"), max_length=500, blank=True)
    qualification = models.CharField(
        _("qualification"), max_length=16, choices=Qualification.choices, blank=True, default=""
    )
    false_alarm_cause = models.CharField(
        _("cause"), max_length=16, choices=FalseAlarmCause.choices, blank=True, default=""
    )
    qualification_note = models.TextField(_("compte rendu"), blank=True, max_length=10000)
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clôturée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    escalation_level = models.PositiveSmallIntegerField(_("niveau d'escalade"), default=0)
    next_escalation_at = models.DateTimeField(_("prochaine escalade"), null=True, blank=True)
    # Not indexed: nothing looks alarms up by creation (the consoles read `updated_at`), and a storm writes one
    # index entry per indexed column of every alarm it raises.
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "first_event_at"]
        verbose_name = _("alarme")
        verbose_name_plural = _("alarmes")
        indexes = [
            models.Index(fields=["status", "priority", "first_event_at"]),
            models.Index(fields=["device", "kind", "status", "last_event_at"]),
            # A site's merge rule looks up its latest open forced-door and motion alarms.
            models.Index(fields=["protected_site", "kind", "status", "last_event_at"]),
            # The operator consoles re-read every second what changed since their cursor.
            models.Index(fields=["updated_at"], name="supervision_alarm_changed_idx"),
            # Partial: an alarm is raised with no one's name and no escalation due; only the rows that have one
            # are indexed (finding a user's alarms, the escalation task's due alarms), not every alarm of a storm.
            *(
                models.Index(fields=[name], condition=models.Q(**{f"{name}__isnull": False}), name=f"sup_alarm_{short}")
                for name, short in (
                    ("claimed_by", "claimed_idx"),
                    ("acknowledged_by", "acked_idx"),
                    ("verified_by", "verified_idx"),
                    ("closed_by", "closed_idx"),
                    ("next_escalation_at", "escalation_idx"),
                )
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        """Whether the alarm still waits for a decision."""
        return self.status != AlarmStatus.CLOSED


class Event(models.Model):
    """One event a source reported, stored once per (source, source event id), attached to the alarm it feeds."""

    member_path = "device__protected_site__site__member"

    # No index of their own: unique (source, source event id) and (device, occurred_at) begin with them, and each
    # index is one more write for every stored event.
    source = models.ForeignKey(
        "supervision.EventSource",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
    )
    source_event_id = models.CharField(_("identifiant de l'événement"), max_length=160)
    device = models.ForeignKey(
        "supervision.Device",
        verbose_name=_("équipement"),
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,
    )
    kind = models.CharField(_("nature"), max_length=24, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("survenu le"))
    received_at = models.DateTimeField(_("reçu le"), auto_now_add=True)
    severity = models.CharField(_("gravité"), max_length=16, choices=Severity.choices, blank=True, default="")
    zone = models.CharField(_("zone"), max_length=128, blank=True)
    snapshot_url = models.URLField(_("vignette"), max_length=500, blank=True)
    data = models.JSONField(_("données"), default=dict, blank=True)
    alarm = models.ForeignKey(
        Alarm, verbose_name=_("alarme"), on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_event_id"], name="unique_event_per_source"),
        ]
        indexes = [models.Index(fields=["device", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.source_event_id}"


class TimelineEntry(models.Model):
    """One line of an alarm's timeline: every action on the alarm, by whom and when."""

    member_path = "alarm__protected_site__site__member"

    alarm = models.ForeignKey(Alarm, verbose_name=_("alarme"), on_delete=models.CASCADE, related_name="timeline")
    # Read through its alarm (the alarm's index), never by date alone.
    at = models.DateTimeField(_("le"))
    kind = models.CharField(_("nature"), max_length=16, choices=TimelineKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    text = models.TextField(_("texte"), blank=True, max_length=10000)
    data = models.JSONField(_("données"), default=dict, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("ligne de chronologie")
        verbose_name_plural = _("chronologie")
        indexes = [models.Index(fields=["user"], condition=models.Q(user__isnull=False), name="sup_timeline_user_idx")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M:%S} {self.get_kind_display()}"


class PoliceCall(models.Model):
    """A call to the police or gendarmerie for a verified alarm: who called, when, the reference given."""

    member_path = "alarm__protected_site__site__member"

    alarm = models.ForeignKey(Alarm, verbose_name=_("alarme"), on_delete=models.PROTECT, related_name="police_calls")
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("appelé par"), on_delete=models.PROTECT, related_name="+"
    )
    called_at = models.DateTimeField(_("appelé le"))
    service = models.CharField(_("service appelé"), max_length=150)
    reference = models.CharField(_("référence donnée"), max_length=100)
    evidence_reference = models.CharField(_("preuve transmise"), max_length=500)
    note = models.TextField(_("commentaire"), blank=True, max_length=5000)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["called_at"]
        verbose_name = _("appel aux forces de l'ordre")
        verbose_name_plural = _("appels aux forces de l'ordre")

    def __str__(self) -> str:
        return f"{self.service} {self.reference}"


class EscalationContact(BaseModel):
    """An ordered contact of a site's escalation chain, called when an alarm stays unacknowledged this long."""

    member_path = "protected_site__site__member"

    protected_site = models.ForeignKey(
        "supervision.ProtectedSite",
        verbose_name=_("site protégé"),
        on_delete=models.CASCADE,
        related_name="escalation_contacts",
    )
    position = models.PositiveSmallIntegerField(_("rang"))
    role = models.CharField(_("rôle"), max_length=24, choices=ContactRole.choices)
    name = models.CharField(_("nom"), max_length=150)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    # Minutes after the alarm was raised at which this step runs if nobody acknowledged it.
    delay_minutes = models.PositiveIntegerField(_("délai (minutes)"))
    is_active = models.BooleanField(_("actif"), default=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["protected_site", "position"]
        verbose_name = _("contact d'escalade")
        verbose_name_plural = _("contacts d'escalade")
        constraints = [
            models.UniqueConstraint(
                fields=["protected_site", "position"],
                name="unique_escalation_position",
                violation_error_message=_("Ce rang est déjà pris dans la chaîne d'escalade du site."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class EscalationStep(models.Model):
    """An escalation step that ran for an alarm: which contact, when, how (recorded by the escalation task)."""

    member_path = "alarm__protected_site__site__member"

    alarm = models.ForeignKey(Alarm, verbose_name=_("alarme"), on_delete=models.CASCADE, related_name="escalations")
    contact = models.ForeignKey(
        EscalationContact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="steps"
    )
    level = models.PositiveSmallIntegerField(_("niveau"))
    at = models.DateTimeField(_("le"))
    channel = models.CharField(_("moyen"), max_length=32)
    outcome = models.CharField(_("résultat"), max_length=255, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["alarm", "level"]
        verbose_name = _("étape d'escalade")
        verbose_name_plural = _("étapes d'escalade")
        constraints = [models.UniqueConstraint(fields=["alarm", "level"], name="unique_escalation_level")]

    def __str__(self) -> str:
        return f"{self.alarm_id} → {self.level}"


class PriorityRule(models.Model):
    """A site's priority for alarms of one kind (the defaults are in choices.DEFAULT_PRIORITIES)."""

    member_path = "protected_site__site__member"

    protected_site = models.ForeignKey(
        "supervision.ProtectedSite",
        verbose_name=_("site protégé"),
        on_delete=models.CASCADE,
        related_name="priority_rules",
    )
    kind = models.CharField(_("nature"), max_length=24, choices=EventKind.choices)
    priority = models.PositiveSmallIntegerField(_("priorité"), choices=Priority.choices)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["protected_site", "kind"]
        verbose_name = _("priorité par nature")
        verbose_name_plural = _("priorités par nature")
        constraints = [models.UniqueConstraint(fields=["protected_site", "kind"], name="unique_priority_rule")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.priority}"


class DeviceActivity(models.Model):
    """Events counted per device and hour: the usual rate anomaly detection compares the last hour with."""

    member_path = "device__protected_site__site__member"

    device = models.ForeignKey(
        "supervision.Device",
        verbose_name=_("équipement"),
        on_delete=models.CASCADE,
        related_name="activity",
        db_index=False,  # unique_device_hour starts with it
    )
    hour = models.DateTimeField(_("heure"))
    count = models.PositiveIntegerField(_("événements"), default=0)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["device", "hour"]
        verbose_name = _("activité horaire")
        verbose_name_plural = _("activité horaire")
        constraints = [models.UniqueConstraint(fields=["device", "hour"], name="unique_device_hour")]
        # The hourly anomaly task reads one hour of every device, the week before it, and purges what is older: by
        # hour. Written once per device and hour (ingestion then only adds to the count).
        indexes = [models.Index(fields=["hour"], name="sup_activity_hour_idx")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.hour:%Y-%m-%d %H}h: {self.count}"
