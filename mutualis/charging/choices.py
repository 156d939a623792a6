"""Statuses of the charging app (OCPP's own vocabulary where OCPP has one) and their allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OcppVersion(models.TextChoices):
    """The OCPP versions the gateway speaks (the websocket subprotocol names, without the « ocpp » prefix)."""

    V16 = "1.6", _("OCPP 1.6J")
    V201 = "2.0.1", _("OCPP 2.0.1")


class Implantation(models.TextChoices):
    """Where a station stands (IRVE statique `implantation_station`)."""

    STREET = "Voirie", _("Voirie")
    PUBLIC_CAR_PARK = "Parking public", _("Parking public")
    PRIVATE_PUBLIC_USE = "Parking privé à usage public", _("Parking privé à usage public")
    PRIVATE_CUSTOMERS = "Parking privé réservé à la clientèle", _("Parking privé réservé à la clientèle")
    FAST_CHARGING = "Station dédiée à la recharge rapide", _("Station dédiée à la recharge rapide")


class AccessCondition(models.TextChoices):
    """Who may charge there (IRVE statique `condition_acces`)."""

    FREE = "Accès libre", _("Accès libre")
    RESTRICTED = "Accès réservé", _("Accès réservé")


class PmrAccessibility(models.TextChoices):
    """Accessibility to people with reduced mobility (IRVE statique `accessibilite_pmr`)."""

    RESERVED = "Réservé PMR", _("Réservé PMR")
    ACCESSIBLE = "Accessible mais non réservé PMR", _("Accessible mais non réservé PMR")
    NOT_ACCESSIBLE = "Non accessible", _("Non accessible")
    UNKNOWN = "Accessibilité inconnue", _("Accessibilité inconnue")


class Connection(models.TextChoices):
    """How the station is connected to the grid (IRVE statique `raccordement`)."""

    DIRECT = "Direct", _("Direct")
    INDIRECT = "Indirect", _("Indirect")


class RegistrationStatus(models.TextChoices):
    """What the central system answers a charge point's BootNotification."""

    ACCEPTED = "Accepted", _("Acceptée")
    PENDING = "Pending", _("En attente")
    REJECTED = "Rejected", _("Refusée")


class ConnectorStatus(models.TextChoices):
    """A connector's status, OCPP 1.6 ChargePointStatus and OCPP 2.0.1 ConnectorStatusEnumType in one list
    (2.0.1 only has Available, Occupied, Reserved, Unavailable and Faulted)."""

    AVAILABLE = "Available", _("Disponible")
    PREPARING = "Preparing", _("En préparation")
    CHARGING = "Charging", _("En charge")
    SUSPENDED_EVSE = "SuspendedEVSE", _("Suspendu par la borne")
    SUSPENDED_EV = "SuspendedEV", _("Suspendu par le véhicule")
    FINISHING = "Finishing", _("Fin de charge")
    OCCUPIED = "Occupied", _("Occupé")
    RESERVED = "Reserved", _("Réservé")
    UNAVAILABLE = "Unavailable", _("Indisponible")
    FAULTED = "Faulted", _("En défaut")
    UNKNOWN = "Unknown", _("Inconnu")


# Statuses in which the point is in use (IRVE dynamique: en_service / occupe).
OCCUPIED_STATUSES = frozenset(
    {
        ConnectorStatus.PREPARING,
        ConnectorStatus.CHARGING,
        ConnectorStatus.SUSPENDED_EV,
        ConnectorStatus.SUSPENDED_EVSE,
        ConnectorStatus.FINISHING,
        ConnectorStatus.OCCUPIED,
    }
)
OUT_OF_ORDER_STATUSES = frozenset({ConnectorStatus.FAULTED, ConnectorStatus.UNAVAILABLE})


class IdTagStatus(models.TextChoices):
    """An ID tag's status (OCPP 1.6 AuthorizationStatus as kept by the central system)."""

    ACCEPTED = "Accepted", _("Accepté")
    BLOCKED = "Blocked", _("Bloqué")
    EXPIRED = "Expired", _("Expiré")
    INVALID = "Invalid", _("Invalide")


class SessionStatus(models.TextChoices):
    """A charging session's life: open while the vehicle charges, then closed (by the point or reconciled)."""

    ACTIVE = "active", _("En cours")
    COMPLETED = "completed", _("Terminée")


SESSION_TRANSITIONS: dict[str, set[str]] = {
    SessionStatus.ACTIVE: {SessionStatus.COMPLETED},
    SessionStatus.COMPLETED: set(),
}


class SessionOrigin(models.TextChoices):
    """How the central system learnt of a session."""

    STARTED = "started", _("Démarrée par la borne")
    ORPHAN_STOP = "orphan_stop", _("Arrêt d'une transaction inconnue (rattrapée)")


class ReconciliationReason(models.TextChoices):
    """Why the central system closed or completed a session itself instead of the point's own stop."""

    REBOOT = "reboot", _("Borne redémarrée pendant la charge")
    NEW_TRANSACTION = "new_transaction", _("Nouvelle charge sur le même connecteur")
    CONNECTOR_AVAILABLE = "connector_available", _("Connecteur de nouveau disponible")
    UNKNOWN_TRANSACTION = "unknown_transaction", _("Arrêt d'une transaction jamais démarrée")
    STALE = "stale", _("Aucune nouvelle de la borne")


class CommandAction(models.TextChoices):
    """Central system → charge point messages the operator may send (OCPP 1.6J names; 2.0.1 equivalents noted)."""

    REMOTE_START = "RemoteStartTransaction", _("Démarrer une charge à distance")
    REMOTE_STOP = "RemoteStopTransaction", _("Arrêter une charge à distance")
    RESET = "Reset", _("Redémarrer")
    UNLOCK_CONNECTOR = "UnlockConnector", _("Déverrouiller le connecteur")
    CHANGE_AVAILABILITY = "ChangeAvailability", _("Changer la disponibilité")
    GET_CONFIGURATION = "GetConfiguration", _("Lire la configuration")
    CHANGE_CONFIGURATION = "ChangeConfiguration", _("Modifier la configuration")
    RESERVE_NOW = "ReserveNow", _("Réserver")
    CANCEL_RESERVATION = "CancelReservation", _("Annuler la réservation")
    TRIGGER_MESSAGE = "TriggerMessage", _("Demander un message")
    SEND_LOCAL_LIST = "SendLocalList", _("Envoyer la liste locale des badges")
    GET_LOCAL_LIST_VERSION = "GetLocalListVersion", _("Lire la version de la liste locale")
    SET_CHARGING_PROFILE = "SetChargingProfile", _("Limiter la puissance")
    CLEAR_CHARGING_PROFILE = "ClearChargingProfile", _("Lever la limite de puissance")
    DATA_TRANSFER = "DataTransfer", _("Échange de données constructeur")


# What a 2.0.1 charging station accepts of the list above (the core profile), by the 2.0.1 action it becomes.
COMMANDS_201: dict[str, str] = {
    CommandAction.REMOTE_START: "RequestStartTransaction",
    CommandAction.REMOTE_STOP: "RequestStopTransaction",
    CommandAction.RESET: "Reset",
    CommandAction.UNLOCK_CONNECTOR: "UnlockConnector",
    CommandAction.CHANGE_AVAILABILITY: "ChangeAvailability",
    CommandAction.TRIGGER_MESSAGE: "TriggerMessage",
    CommandAction.SET_CHARGING_PROFILE: "SetChargingProfile",
    CommandAction.CLEAR_CHARGING_PROFILE: "ClearChargingProfile",
    CommandAction.DATA_TRANSFER: "DataTransfer",
}


class CommandStatus(models.TextChoices):
    """A command's delivery: waiting for the gateway, sent, answered (accepted / rejected), failed or timed out."""

    PENDING = "pending", _("En attente d'envoi")
    SENT = "sent", _("Envoyée")
    ACCEPTED = "accepted", _("Acceptée")
    REJECTED = "rejected", _("Refusée par la borne")
    FAILED = "failed", _("Échec")
    TIMEOUT = "timeout", _("Sans réponse")


COMMAND_TRANSITIONS: dict[str, set[str]] = {
    CommandStatus.PENDING: {CommandStatus.SENT, CommandStatus.FAILED, CommandStatus.TIMEOUT},
    CommandStatus.SENT: {CommandStatus.ACCEPTED, CommandStatus.REJECTED, CommandStatus.FAILED, CommandStatus.TIMEOUT},
    CommandStatus.ACCEPTED: set(),
    CommandStatus.REJECTED: set(),
    CommandStatus.FAILED: set(),
    CommandStatus.TIMEOUT: set(),
}
COMMAND_DONE = frozenset(s for s, nexts in COMMAND_TRANSITIONS.items() if not nexts)


class ReservationStatus(models.TextChoices):
    """A reservation's life."""

    REQUESTED = "requested", _("Demandée")
    ACCEPTED = "accepted", _("Acceptée")
    REJECTED = "rejected", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")
    USED = "used", _("Utilisée")
    EXPIRED = "expired", _("Expirée")


class ProfilePurpose(models.TextChoices):
    """What a charging profile limits (OCPP ChargingProfilePurposeType)."""

    CHARGE_POINT_MAX = "ChargePointMaxProfile", _("Puissance maximale de la borne")
    TX_DEFAULT = "TxDefaultProfile", _("Profil par défaut des charges")


class MessageDirection(models.TextChoices):
    """Which way an OCPP message went."""

    IN = "in", _("Reçu de la borne")
    OUT = "out", _("Envoyé à la borne")


class MessageKind(models.TextChoices):
    """An OCPP-J frame's message type."""

    CALL = "call", _("Requête")
    RESULT = "result", _("Réponse")
    ERROR = "error", _("Erreur")
    INVALID = "invalid", _("Trame invalide")
