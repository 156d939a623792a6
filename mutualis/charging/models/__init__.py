from mutualis.charging.models.commands import ChargingProfile, Command, MessageLog, Reservation
from mutualis.charging.models.registry import ChargePoint, Connector, Station
from mutualis.charging.models.sessions import ChargingSession, MeterValue
from mutualis.charging.models.tags import IdTag

__all__ = [
    "ChargePoint",
    "ChargingProfile",
    "ChargingSession",
    "Command",
    "Connector",
    "IdTag",
    "MessageLog",
    "MeterValue",
    "Reservation",
    "Station",
]
