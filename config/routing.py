"""Websocket routes of the realtime process."""

from django.urls import path

from mutualis.core.consumers import NotificationConsumer
from mutualis.supervision.consumers import ConsoleConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    path("ws/supervision/console/", ConsoleConsumer.as_asgi()),
]
