from mutualis.supervision.models import evidence as evidence  # recordings, requisitions, register, studies
from mutualis.supervision.models import masking as masking  # masked copies for the right of access
from mutualis.supervision.models.access import Habilitation
from mutualis.supervision.models.devices import Device, EventSource
from mutualis.supervision.models.events import (
    Alarm,
    DeviceActivity,
    EscalationContact,
    EscalationStep,
    Event,
    PoliceCall,
    PriorityRule,
    TimelineEntry,
)
from mutualis.supervision.models.sites import Authorisation, OpeningPeriod, ProtectedSite

__all__ = [
    "Alarm",
    "Authorisation",
    "Device",
    "DeviceActivity",
    "EscalationContact",
    "EscalationStep",
    "Event",
    "EventSource",
    "Habilitation",
    "OpeningPeriod",
    "PoliceCall",
    "PriorityRule",
    "ProtectedSite",
    "TimelineEntry",
]
