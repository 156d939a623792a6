"""Kinds, statuses and priorities of the supervision app, with the alarm workflow's allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthorisationPurpose(models.TextChoices):
    """Purposes an arrêté préfectoral may authorise (CSI L251-2)."""

    PUBLIC_BUILDINGS = "public_buildings", _("Protection des bâtiments et installations publics et de leurs abords")
    TRAFFIC = "traffic", _("Régulation des flux de transport")
    OFFENCES = "offences", _("Prévention des atteintes à la sécurité des personnes et des biens")
    FIRE = "fire", _("Prévention des risques naturels ou technologiques, secours et défense contre l'incendie")
    ACCESS = "access", _("Contrôle des accès")
    OTHER = "other", _("Autre finalité prévue par l'arrêté")


class DeviceKind(models.TextChoices):
    """What a supervised device is."""

    FIXED_CAMERA = "fixed_camera", _("Caméra fixe")
    PTZ_CAMERA = "ptz_camera", _("Caméra mobile (PTZ)")
    THERMAL_CAMERA = "thermal_camera", _("Caméra thermique")
    ACCESS_READER = "access_reader", _("Lecteur de badges")
    BIOMETRIC_READER = "biometric_reader", _("Lecteur biométrique")
    INTRUSION_SENSOR = "intrusion_sensor", _("Détecteur d'intrusion")
    NVR = "nvr", _("Enregistreur (NVR)")


CAMERA_KINDS = frozenset({DeviceKind.FIXED_CAMERA, DeviceKind.PTZ_CAMERA, DeviceKind.THERMAL_CAMERA})


class ZoneKind(models.TextChoices):
    """Where an indoor device looks (what a collège may film, and when)."""

    NONE = "", _("— (extérieur)")
    ACCESS = "access", _("Accès (entrées, sorties)")
    CIRCULATION = "circulation", _("Circulation (couloirs, escaliers)")
    LIEU_DE_VIE = "lieu_de_vie", _("Lieu de vie (cour, préau, restauration, foyer, classe)")
    TECHNICAL = "technical", _("Local technique")
    OTHER = "other", _("Autre zone intérieure")


class SourceKind(models.TextChoices):
    """What sends the events of a source."""

    FRIGATE = "frigate", _("Serveur Frigate (MQTT)")
    ONVIF = "onvif", _("Équipement ONVIF")
    WEBHOOK = "webhook", _("Émetteur webhook (HTTP)")


class EventKind(models.TextChoices):
    """Generic event kinds every source maps its own to."""

    INTRUSION = "intrusion", _("Intrusion")
    MOTION = "motion", _("Mouvement")
    LINE_CROSSING = "line_crossing", _("Franchissement de ligne")
    FIELD_DETECTOR = "field_detector", _("Détection de zone")
    TAMPER = "tamper", _("Sabotage")
    DOOR_FORCED = "door_forced", _("Porte forcée")
    DOOR_HELD_OPEN = "door_held_open", _("Porte maintenue ouverte")
    ACCESS_DENIED = "access_denied", _("Accès refusé")
    DIGITAL_INPUT = "digital_input", _("Entrée d'alarme")
    FIRE = "fire", _("Incendie")
    STORAGE_FAILURE = "storage_failure", _("Défaut de stockage")
    HEARTBEAT = "heartbeat", _("Signal de vie")
    OFFLINE = "offline", _("Hors ligne")
    ONLINE = "online", _("En ligne")


# Kinds that tell about the device's health, never an alarm of their own (offline/storage open technical alarms).
HEALTH_KINDS = frozenset({EventKind.HEARTBEAT, EventKind.ONLINE})
TECHNICAL_EVENT_KINDS = frozenset({EventKind.OFFLINE, EventKind.STORAGE_FAILURE})


class Severity(models.TextChoices):
    """Severity a source gives an event (Frigate: alert/detection)."""

    INFO = "info", _("Information")
    DETECTION = "detection", _("Détection")
    ALERT = "alert", _("Alerte")
    CRITICAL = "critical", _("Critique")


class Priority(models.IntegerChoices):
    """Alarm priority: 1 is handled first."""

    CRITICAL = 1, _("Critique")
    HIGH = 2, _("Haute")
    MEDIUM = 3, _("Moyenne")
    LOW = 4, _("Basse")


# Default priority of an alarm by the kind of its first event; a site's PriorityRule overrides it.
DEFAULT_PRIORITIES: dict[str, int] = {
    EventKind.FIRE: Priority.CRITICAL,
    EventKind.INTRUSION: Priority.HIGH,
    EventKind.DOOR_FORCED: Priority.HIGH,
    EventKind.TAMPER: Priority.HIGH,
    EventKind.LINE_CROSSING: Priority.MEDIUM,
    EventKind.FIELD_DETECTOR: Priority.MEDIUM,
    EventKind.DIGITAL_INPUT: Priority.MEDIUM,
    EventKind.DOOR_HELD_OPEN: Priority.MEDIUM,
    EventKind.ACCESS_DENIED: Priority.LOW,
    EventKind.MOTION: Priority.LOW,
    EventKind.OFFLINE: Priority.MEDIUM,
    EventKind.STORAGE_FAILURE: Priority.MEDIUM,
}


class AlarmCategory(models.TextChoices):
    """A security alarm (something happens on site) or a technical one (a device is unwell)."""

    SECURITY = "security", _("Sûreté")
    TECHNICAL = "technical", _("Technique")


class TechnicalKind(models.TextChoices):
    """Why a technical alarm was raised."""

    NONE = "", _("—")
    OFFLINE = "offline", _("Équipement hors ligne")
    NO_HEARTBEAT = "no_heartbeat", _("Plus de signal de vie")
    SOURCE_OFFLINE = "source_offline", _("Source (NVR) hors ligne")
    STORAGE = "storage", _("Défaut de stockage")
    TAMPER = "tamper", _("Sabotage")
    RATE_HIGH = "rate_high", _("Activité anormalement élevée")
    RATE_SILENT = "rate_silent", _("Silence anormal")


class AlarmStatus(models.TextChoices):
    """Alarm workflow: new → in progress → on hold → closed."""

    NEW = "new", _("Nouvelle")
    IN_PROGRESS = "in_progress", _("En cours")
    ON_HOLD = "on_hold", _("En attente")
    CLOSED = "closed", _("Clôturée")


ALARM_TRANSITIONS: dict[str, set[str]] = {
    AlarmStatus.NEW: {AlarmStatus.IN_PROGRESS, AlarmStatus.CLOSED},
    AlarmStatus.IN_PROGRESS: {AlarmStatus.ON_HOLD, AlarmStatus.CLOSED},
    AlarmStatus.ON_HOLD: {AlarmStatus.IN_PROGRESS, AlarmStatus.CLOSED},
    AlarmStatus.CLOSED: set(),
}
OPEN_STATUSES = frozenset({AlarmStatus.NEW, AlarmStatus.IN_PROGRESS, AlarmStatus.ON_HOLD})


class Qualification(models.TextChoices):
    """What the operator decided the alarm was (required to close)."""

    NONE = "", _("—")
    FALSE_ALARM = "false_alarm", _("Fausse alarme")
    TECHNICAL_FAULT = "technical_fault", _("Défaut technique")
    INTRUSION = "intrusion", _("Intrusion avérée")
    AGGRESSION = "aggression", _("Agression avérée")
    FIRE = "fire", _("Incendie avéré")
    OTHER = "other", _("Autre incident avéré")


# Qualifications that make the alarm an incident (the member sees its report).
INCIDENT_QUALIFICATIONS = frozenset(
    {Qualification.INTRUSION, Qualification.AGGRESSION, Qualification.FIRE, Qualification.OTHER}
)


class FalseAlarmCause(models.TextChoices):
    """Cause of a false alarm (required for that qualification)."""

    NONE = "", _("—")
    ANIMAL = "animal", _("Animal")
    WEATHER = "weather", _("Intempéries (vent, pluie, neige)")
    STAFF = "staff", _("Personnel présent sur site")
    LIGHT = "light", _("Variation de lumière")
    VEGETATION = "vegetation", _("Végétation")
    TECHNICAL = "technical", _("Déclenchement technique")
    USER_ERROR = "user_error", _("Erreur de manipulation")
    OTHER = "other", _("Autre cause")


class TimelineKind(models.TextChoices):
    """What a line of an alarm's timeline records."""

    CREATED = "created", _("Alarme créée")
    EVENT = "event", _("Événement rattaché")
    CLAIMED = "claimed", _("Prise en charge")
    RELEASED = "released", _("Libérée")
    ACKNOWLEDGED = "acknowledged", _("Acquittée")
    COMMENT = "comment", _("Commentaire")
    HOLD = "hold", _("Mise en attente")
    RESUMED = "resumed", _("Reprise")
    VERIFIED = "verified", _("Levée de doute")
    POLICE_CALLED = "police_called", _("Forces de l'ordre appelées")
    ESCALATED = "escalated", _("Escalade")
    MAINTENANCE = "maintenance", _("Ticket de maintenance")
    EVIDENCE = "evidence", _("Preuve rattachée")
    QUALIFIED = "qualified", _("Qualifiée")
    CLOSED = "closed", _("Clôturée")


class HabilitationKind(models.TextChoices):
    """Who a habilitation names: the operator's operators, the member's referents, municipal police, mayor."""

    OPERATOR = "operator", _("Opérateur du centre de supervision")
    SITE_REFERENT = "site_referent", _("Référent du site (adhérent)")
    MUNICIPAL_POLICE = "municipal_police", _("Police municipale")
    MAYOR = "mayor", _("Maire ou adjoint délégué")


# Kinds whose access is limited to the sites of their own commune.
COMMUNE_BOUND_KINDS = frozenset({HabilitationKind.MUNICIPAL_POLICE, HabilitationKind.MAYOR})


class ContactRole(models.TextChoices):
    """Who an escalation contact is."""

    ON_CALL_TECHNICIAN = "on_call_technician", _("Technicien d'astreinte")
    SITE_MANAGER = "site_manager", _("Responsable du site")
    MAYOR = "mayor", _("Maire / élu d'astreinte")
    POLICE = "police", _("Forces de l'ordre")
    OTHER = "other", _("Autre contact")


class Weekday(models.IntegerChoices):
    """Days of the week (Monday = 0, as Python's weekday())."""

    MONDAY = 0, _("Lundi")
    TUESDAY = 1, _("Mardi")
    WEDNESDAY = 2, _("Mercredi")
    THURSDAY = 3, _("Jeudi")
    FRIDAY = 4, _("Vendredi")
    SATURDAY = 5, _("Samedi")
    SUNDAY = 6, _("Dimanche")
