"""Supervision API routes: /api/v1/supervision/events/ (sources), /api/v1/supervision/alarms/."""

from django.urls import path

from mutualis.core.api import Router
from mutualis.supervision.api import views

router = Router()
router.register("supervision/alarms", views.AlarmViewSet, basename="supervision-alarm")

urlpatterns = [
    path("supervision/events/", views.EventIngestView.as_view(), name="supervision-events"),
    *router.urls,
]
