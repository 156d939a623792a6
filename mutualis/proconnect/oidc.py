"""The OpenID Connect client of ProConnect: discovery, authorization request, code exchange, ID token and signed
userinfo verification, end-session URL.

ProConnect (https://partenaires.proconnect.gouv.fr/docs/fournisseur-service) answers userinfo as a JWT signed with
the algorithm agreed for the service (`application/jwt`), which generic clients often miss. The HTTP exchanges are
authlib's (OAuth 2.0 client); every signature and claim is verified by joserfc against the provider's JWKS.
"""

import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

DISCOVERY_PATH = "/api/v2/.well-known/openid-configuration"
# ProConnect wants at least 32 random characters; token_urlsafe(32) gives 43.
RANDOM_BYTES = 32
# Metadata and keys are fetched again after this long, and at once when a token names a key we do not hold.
CACHE_SECONDS = 600
# Clock skew tolerated on exp / iat between the provider and us.
LEEWAY_SECONDS = 30
# Ask the provider to say how the agent authenticated (RFC 8176 `amr`), to spare operator staff a second TOTP step
# when the provider already did multi-factor authentication.
CLAIMS_REQUEST = {"id_token": {"amr": {"essential": True}}}


class ProtocolError(Exception):
    """The provider's answer cannot be trusted or used: `reason` is a short code for the audit log."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class ProviderMetadata:
    """What the discovery document says about the provider."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str


def is_configured() -> bool:
    """True when the domain, the client id and its secret are all set (the button shows only then)."""
    return bool(settings.PROCONNECT_DOMAIN and settings.PROCONNECT_CLIENT_ID and settings.PROCONNECT_CLIENT_SECRET)


def domain_url() -> str:
    """PROCONNECT_DOMAIN as a URL (https:// unless a scheme is given), without a trailing slash."""
    domain = settings.PROCONNECT_DOMAIN.strip().rstrip("/")
    return domain if "://" in domain else f"https://{domain}"


def new_secret() -> str:
    """A `state` or `nonce`: 43 characters from 32 random bytes."""
    return secrets.token_urlsafe(RANDOM_BYTES)


_cache: dict[str, tuple[float, Any]] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget the discovered metadata and keys (the next request fetches them again)."""
    with _lock:
        _cache.clear()


def _get_json(url: str) -> Any:
    try:
        response = requests.get(url, timeout=settings.PROCONNECT_HTTP_TIMEOUT)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProtocolError("provider_unreachable", f"{url}: {exc}") from exc


def _cached(key: str, fetch: Any, *, refresh: bool = False) -> Any:
    with _lock:
        hit = _cache.get(key)
    if hit and not refresh and hit[0] > time.monotonic():
        return hit[1]
    value = fetch()
    with _lock:
        _cache[key] = (time.monotonic() + CACHE_SECONDS, value)
    return value


def metadata() -> ProviderMetadata:
    """The provider's endpoints, from its discovery document (cached)."""

    def fetch() -> ProviderMetadata:
        document = _get_json(domain_url() + DISCOVERY_PATH)
        try:
            return ProviderMetadata(
                issuer=document["issuer"],
                authorization_endpoint=document["authorization_endpoint"],
                token_endpoint=document["token_endpoint"],
                userinfo_endpoint=document["userinfo_endpoint"],
                jwks_uri=document["jwks_uri"],
                end_session_endpoint=document.get("end_session_endpoint", ""),
            )
        except (KeyError, TypeError) as exc:
            raise ProtocolError("discovery_invalid", str(exc)) from exc

    return _cached("metadata:" + domain_url(), fetch)


def _key_set(provider: ProviderMetadata, *, refresh: bool = False) -> KeySet:
    def fetch() -> KeySet:
        try:
            return KeySet.import_key_set(_get_json(provider.jwks_uri))
        except (JoseError, ValueError, TypeError) as exc:
            raise ProtocolError("jwks_invalid", str(exc)) from exc

    return _cached("jwks:" + provider.jwks_uri, fetch, refresh=refresh)


def _session(redirect_uri: str = "") -> OAuth2Session:
    return OAuth2Session(
        client_id=settings.PROCONNECT_CLIENT_ID,
        client_secret=settings.PROCONNECT_CLIENT_SECRET,
        token_endpoint_auth_method="client_secret_post",
        scope=settings.PROCONNECT_SCOPES,
        redirect_uri=redirect_uri or None,
        # ProConnect's access token lives 60 seconds: authlib's default 60-second leeway would call it expired at once.
        leeway=5,
    )


def authorization_url(*, redirect_uri: str, state: str, nonce: str) -> str:
    """Where to send the agent: the provider's authorization endpoint with our state, nonce and claims request."""
    provider = metadata()
    url, _state = _session(redirect_uri).create_authorization_url(
        provider.authorization_endpoint,
        state=state,
        nonce=nonce,
        acr_values="eidas1",
        claims=json.dumps(CLAIMS_REQUEST, separators=(",", ":")),
    )
    return str(url)


def _decode(value: str, *, provider: ProviderMetadata, what: str) -> dict[str, Any]:
    """Verify a JWT's signature with the provider's keys (fetched again once if the key is unknown)."""
    algorithms = [settings.PROCONNECT_SIGN_ALGO]
    try:
        return dict(jwt.decode(value, _key_set(provider), algorithms=algorithms).claims)
    except (JoseError, ValueError):
        pass  # a key rotation at the provider: fetch the keys again, once; a second failure is final
    try:
        return dict(jwt.decode(value, _key_set(provider, refresh=True), algorithms=algorithms).claims)
    except (JoseError, ValueError) as exc:
        raise ProtocolError(f"{what}_signature", str(exc)) from exc


def _check_claims(claims: dict[str, Any], *, what: str, **options: Any) -> None:
    registry = jwt.JWTClaimsRegistry(leeway=LEEWAY_SECONDS, **options)
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise ProtocolError(f"{what}_claims", str(exc)) from exc


@dataclass(frozen=True)
class Authentication:
    """What the provider said about the agent, verified: the ID token (kept for logout), its claims, userinfo."""

    id_token: str
    id_claims: dict[str, Any]
    userinfo: dict[str, Any]


def authenticate(*, code: str, redirect_uri: str, nonce: str) -> Authentication:
    """Exchange the code (it lives 30 seconds: done at once), verify the ID token (issuer, audience, expiry, our
    nonce, signature), then fetch userinfo with the access token (it lives 60 seconds: used at once, never kept) and
    verify its signature, issuer, audience and subject."""
    provider = metadata()
    session = _session(redirect_uri)
    try:
        token = session.fetch_token(
            provider.token_endpoint,
            code=code,
            grant_type="authorization_code",
            timeout=settings.PROCONNECT_HTTP_TIMEOUT,
        )
    except (AuthlibBaseError, requests.RequestException, ValueError) as exc:
        raise ProtocolError("token_refused", str(exc)) from exc
    id_token = token.get("id_token")
    if not id_token:
        raise ProtocolError("id_token_missing")
    id_claims = _decode(id_token, provider=provider, what="id_token")
    client_id = settings.PROCONNECT_CLIENT_ID
    _check_claims(
        id_claims,
        what="id_token",
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    audiences = id_claims["aud"] if isinstance(id_claims["aud"], list) else [id_claims["aud"]]
    if len(audiences) > 1 and id_claims.get("azp") != client_id:
        raise ProtocolError("id_token_claims", "azp")
    userinfo = _userinfo(session, provider, sub=id_claims["sub"])
    return Authentication(id_token=id_token, id_claims=id_claims, userinfo=userinfo)


def _userinfo(session: OAuth2Session, provider: ProviderMetadata, *, sub: str) -> dict[str, Any]:
    try:
        response = session.get(provider.userinfo_endpoint, timeout=settings.PROCONNECT_HTTP_TIMEOUT)
        response.raise_for_status()
    except (AuthlibBaseError, requests.RequestException) as exc:
        raise ProtocolError("userinfo_refused", str(exc)) from exc
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type != "application/jwt":
        # ProConnect always signs userinfo: an unsigned answer is not what was agreed, and is refused.
        raise ProtocolError("userinfo_unsigned", content_type)
    claims = _decode(response.text.strip(), provider=provider, what="userinfo")
    _check_claims(
        claims,
        what="userinfo",
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": settings.PROCONNECT_CLIENT_ID},
        sub={"essential": True, "value": sub},
    )
    return claims


def end_session_url(*, id_token: str, state: str, post_logout_redirect_uri: str) -> str:
    """The provider's end-session endpoint with our ID token, a state to check on return and where to come back;
    "" when the provider has none."""
    provider = metadata()
    if not provider.end_session_endpoint:
        return ""
    query = urlencode({"id_token_hint": id_token, "state": state, "post_logout_redirect_uri": post_logout_redirect_uri})
    separator = "&" if "?" in provider.end_session_endpoint else "?"
    return f"{provider.end_session_endpoint}{separator}{query}"
