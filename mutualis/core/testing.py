"""Test helpers shared by every app (imported by tests only)."""

from typing import Any

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device_for(user: Any) -> TOTPDevice:
    """The user's confirmed TOTP device, created if missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def current_totp(device: TOTPDevice) -> str:
    """The code the user's authenticator would show now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def login_as(client: Client, user: Any) -> Client:
    """Sign the user in on a test client; staff sessions are marked verified by their TOTP device, as after login."""
    client.force_login(user)
    if getattr(user, "is_operator_staff", False):
        session = client.session
        session["otp_device_id"] = totp_device_for(user).persistent_id
        session.save()
    return client
