"""ONVIF passwords at rest: sealed with Fernet (AES-128-CBC + HMAC-SHA256) under keys derived from the settings.

The ingest process must send the password itself (the digest is made with it), so it cannot be hashed like the
source tokens; it is encrypted instead. Keys come from SUPERVISION_CREDENTIALS_KEYS (the first seals, every one
opens: rotate by putting the new key first), or from SECRET_KEY when unset. Each key is stretched with HKDF, so
any long random string will do.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"mutualis.supervision.onvif-credentials"


class CredentialError(ValueError):
    """A sealed password no key opens (the keys changed without the old one kept)."""


def _key(secret: str) -> Fernet:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(raw))


def _keys() -> MultiFernet:
    secrets = list(getattr(settings, "SUPERVISION_CREDENTIALS_KEYS", []) or []) or [settings.SECRET_KEY]
    return MultiFernet([_key(secret) for secret in secrets])


def seal(password: str) -> str:
    """The stored form of a password ("" stays "")."""
    return _keys().encrypt(password.encode()).decode() if password else ""


def unseal(sealed: str) -> str:
    """The password back from its stored form, or CredentialError."""
    if not sealed:
        return ""
    try:
        return _keys().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise CredentialError("Mot de passe ONVIF illisible : la clé de chiffrement a changé.") from None
