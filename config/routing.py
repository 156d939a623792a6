"""Websocket routes of the realtime process."""

from django.urls import path

from mutualis.core.consumers import NotificationConsumer

websocket_urlpatterns = [path("ws/notifications/", NotificationConsumer.as_asgi())]
