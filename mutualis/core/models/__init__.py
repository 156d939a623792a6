from mutualis.core.models.audit import AuditChainHead, AuditEntry
from mutualis.core.models.base import BaseModel
from mutualis.core.models.notification import Notification
from mutualis.core.models.schedule import PeriodicSlot

__all__ = ["AuditChainHead", "AuditEntry", "BaseModel", "Notification", "PeriodicSlot"]
