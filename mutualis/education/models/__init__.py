from mutualis.education.models.establishments import Establishment
from mutualis.education.models.resources import Assignment, Resource, Subscription

__all__ = ["Assignment", "Establishment", "Resource", "Subscription"]
