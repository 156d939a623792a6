"""Mutualis settings, read from the environment (see README, "Configuration").

Defaults run everything on a laptop with SQLite; production sets DATABASE_URL, REDIS_URL, SECRET_KEY and
ALLOWED_HOSTS.
"""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env, envbool, envint, envlist

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("MUTUALIS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", "false")
# SECRET_KEY (or SECRET_KEY_FILE), else the key `make run` writes once into var/secret_key; the built-in key is only
# for DEBUG runs on a laptop, and refused otherwise (sessions, password links and tokens would be forgeable).
INSECURE_LOCAL_KEY = "insecure-local-only-key-change-me-in-production-0123456789"
SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY and (VAR_DIR / "secret_key").is_file():
    SECRET_KEY = (VAR_DIR / "secret_key").read_text().strip()
if not SECRET_KEY and DEBUG:
    SECRET_KEY = INSECURE_LOCAL_KEY
if not SECRET_KEY or (SECRET_KEY == INSECURE_LOCAL_KEY and not DEBUG):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: set SECRET_KEY or SECRET_KEY_FILE (make run writes var/secret_key for local use)."
    )
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_ROOT = env("SITE_ROOT", f"http://127.0.0.1:{env('HTTP_PORT', '8000')}")
WS_PORT = envint("WS_PORT", "8001")
# E-mail (members' invitations): printed on the console by default; production configures an SMTP server.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Mutualis <ne-pas-repondre@mutualis.localhost>")
REALTIME_URL = env("REALTIME_URL", "")  # public websocket origin; empty means "same host, WS_PORT"
# Supervision: hosts the snapshot proxy may fetch from besides each source's own Frigate URL (comma-separated).
# The platform's Ed25519 key that signs evidence exports: made on first use, never committed (var/ is ignored).
SUPERVISION_EVIDENCE_KEY_FILE = env("SUPERVISION_EVIDENCE_KEY_FILE", str(VAR_DIR / "evidence_ed25519.pem"))
SUPERVISION_SNAPSHOT_HOSTS = [h.strip() for h in env("SUPERVISION_SNAPSHOT_HOSTS", "").split(",") if h.strip()]
# Masking third parties on the files of an access grant (docs/supervision-masking.md): ffmpeg (PATH by default)
# and how long one clip may take before it is given up.
SUPERVISION_FFMPEG = env("SUPERVISION_FFMPEG", "")
SUPERVISION_MASKING_TIMEOUT = envint("SUPERVISION_MASKING_TIMEOUT", "300")
# Keys sealing the ONVIF passwords at rest, comma-separated (the first seals, all open: rotation); SECRET_KEY if unset.
SUPERVISION_CREDENTIALS_KEYS = envlist("SUPERVISION_CREDENTIALS_KEYS", "")
# The demo ONVIF camera of `make run` (manage.py simulate_onvif_device) and the demo source pointing at it.
ONVIF_DEMO_PORT = envint("ONVIF_DEMO_PORT", "8190")
# Background map tiles ({z}/{x}/{y} template) and their attribution; empty shows contours on a blank map.
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "© les contributeurs d'OpenStreetMap")
# Geocoding of sites' addresses (Base Adresse Nationale search endpoint, e.g. https://api-adresse.data.gouv.fr/search/,
# called by the server); empty, the default, turns it off: the platform then never calls out.
BAN_GEOCODER_URL = env("BAN_GEOCODER_URL", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "django_tasks_db",
    "channels",
    "mutualis.core",
    "mutualis.accounts",
    "mutualis.territory",
    "mutualis.members",
    "mutualis.contributions",
    "mutualis.purchasing",
    "mutualis.assets",
    "mutualis.fibre",
    "mutualis.proconnect",
    "mutualis.education",
    "mutualis.opendata",
    "mutualis.charging",
    "mutualis.supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mutualis.core.context.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mutualis.accounts.middleware.SessionActivityMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mutualis.accounts.middleware.StaffTwoFactorMiddleware",
    "mutualis.proconnect.middleware.ProConnectLogoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mutualis.core.middleware.OverflowGuardMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mutualis" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "mutualis.core.context_processors.platform",
            ],
        },
    },
]
# Fields rendered without `maxlength`: the server refuses long text with the limit, the browser would cut it.
FORM_RENDERER = "mutualis.core.forms.HouseFormRenderer"

# Database: SQLite by default (WAL, immediate transactions, busy timeout so concurrent writers wait instead of
# failing), PostgreSQL with psycopg 3's pool when DATABASE_URL says so.
DATABASE_URL = env("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool("DATABASE_POOL", "true"):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = True
else:
    # The folder is made by `make migrate` (or by the operator), never as a side effect of importing settings.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(VAR_DIR / "mutualis.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # A checkpoint every 10,000 pages (≈ 40 MB of WAL) instead of 1,000: the hot index pages a stream of
                # small batches rewrites are copied back once, not at every few commits (camera events at 100 a
                # batch: 2,200 → 3,300 a second, bench/supervision_storm.py).
                # A page cache of 64 MiB (the default is 2 MiB) and reads through a memory map: an event's unique
                # (source, id) index takes random ids, and past a few hundred thousand events each insert missed
                # the cache (camera events: +19 % at 60,000 stored, more as the table grows).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=10000; "
                    "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
                ),
            },
            # Persistent connections (a local file, no server to hold a slot on): reopening one at every request
            # or console read replayed the PRAGMAs and began with an empty page cache — a fifth of the realtime
            # process' reads in a storm (bench/supervision_storm.py).
            "CONN_MAX_AGE": envint("DATABASE_CONN_MAX_AGE", "60"),
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when configured, carries the cache (login throttling), the Channels layer and cross-process
# notifications; without it the database cache keeps throttling shared between processes.
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_table"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (accounts.throttling): failures per account and per address within the window.
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", "5")
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", "900")
# Public adhésion form (members.throttling): accepted submissions per client address within the window.
ADHESION_REQUEST_MAX = envint("ADHESION_REQUEST_MAX", "5")
ADHESION_REQUEST_WINDOW_SECONDS = envint("ADHESION_REQUEST_WINDOW_SECONDS", "3600")
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Mutualis")
# « Mot de passe oublié ? » (accounts.tokens, accounts.throttling): a reset link works once, for an hour; requests
# per account and per address within the window are limited like login failures. Invitations' links keep Django's
# PASSWORD_RESET_TIMEOUT (3 days): a reset link has its own generator and its own, shorter life.
PASSWORD_RESET_LINK_SECONDS = envint("PASSWORD_RESET_LINK_SECONDS", "3600")
PASSWORD_RESET_MAX_REQUESTS = envint("PASSWORD_RESET_MAX_REQUESTS", "5")
PASSWORD_RESET_WINDOW_SECONDS = envint("PASSWORD_RESET_WINDOW_SECONDS", "3600")
# API tokens expire (accounts.authentication): members' after a year, operator staff's after 90 days.
API_TOKEN_TTL_DAYS = envint("API_TOKEN_TTL_DAYS", "365")
API_TOKEN_TTL_DAYS_STAFF = envint("API_TOKEN_TTL_DAYS_STAFF", "90")

# Security: secure cookies by default; `make run` turns them off for plain-http local use only.
SECURE_COOKIES = envbool("SECURE_COOKIES", "true")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
if env("SECURE_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# Content-Security-Policy (django-csp): scripts and styles from this origin only (no inline code, handler or style
# attribute; Leaflet and Chart.js style through the CSSOM, which CSP allows), images also from the map tiles'
# origin, websockets to the realtime process, never framed. Pages put their data in json_script blocks.
def _origin(url: str) -> str:
    """scheme://host[:port] of a URL or tile template ({s} subdomains become a wildcard); "" when it has none."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _realtime_origins() -> list[str]:
    """Where pages open the notifications websocket: REALTIME_URL, else any served host on WS_PORT (as
    core.context_processors.realtime_ws_url builds it: the page's own host, ws or wss). CSP has no syntax for IPv6
    literals: a page served on [::1] needs REALTIME_URL."""
    if REALTIME_URL == "off":
        return []
    if REALTIME_URL:
        return [_origin(REALTIME_URL)]
    names = [host for host in ALLOWED_HOSTS if not host.startswith("[")]
    hosts = [h for host in names for h in ((host[1:], "*" + host) if host.startswith(".") else (host,))]
    return [f"{scheme}://{host}:{WS_PORT}" for host in hosts for scheme in ("ws", "wss")]


def _proconnect_origin() -> str:
    """ProConnect's origin: the login and logout forms redirect there, which form-action must allow."""
    domain = env("PROCONNECT_DOMAIN", "").strip()
    return _origin(domain if "://" in domain else f"https://{domain}") if domain else ""


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *filter(None, [_origin(MAP_TILE_URL)])],
        "font-src": ["'self'"],
        "connect-src": ["'self'", *_realtime_origins()],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *filter(None, [_proconnect_origin()])],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "fr"
# French only until the English catalogue is translated: offering "en" now would mix English number formats
# into French pages.
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "mutualis" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from npm (package.json / package-lock.json), never copied into the repository.
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "mutualis.accounts.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "mutualis.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "mutualis.core.api.FrenchOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mutualis.core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "mutualis.core.throttling.AnonRateThrottle",
        "mutualis.core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", "120/min"),
        "user": env("API_USER_RATE", "1200/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mutualis API",
    "DESCRIPTION": "API de la plateforme Mutualis : territoire, adhérents, sites.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets shared by several fields get one stable name each (no enum naming collision warnings).
    "ENUM_NAME_OVERRIDES": {
        "MemberKindEnum": "mutualis.members.choices.MemberKind",
        "MemberStatusEnum": "mutualis.members.choices.MemberStatus",
        "SiteKindEnum": "mutualis.members.choices.SiteKind",
        "CompetenceEnum": "mutualis.members.choices.Competence",
        "OrderStatusEnum": "mutualis.purchasing.choices.OrderStatus",
        "AssetStatusEnum": "mutualis.assets.choices.AssetStatus",
        "IntercommunalityKindEnum": "mutualis.territory.choices.IntercommunalityKind",
        "ChargingSessionStatusEnum": "mutualis.charging.choices.SessionStatus",
        "ChargingCommandStatusEnum": "mutualis.charging.choices.CommandStatus",
        "ChargingIdTagStatusEnum": "mutualis.charging.choices.IdTagStatus",
        "ConnectorStatusEnum": "mutualis.charging.choices.ConnectorStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# Late-payment interest (CCP R2192-31): the ECB main refinancing rate in force, in percent; the operator updates it
# each semester.
ECB_MAIN_REFINANCING_RATE = env("ECB_MAIN_REFINANCING_RATE", "2.15")

# The operator as a buyer (DECP open data: acheteur.id). The default is a fictitious demo SIRET whose Luhn keys were
# computed with python-stdnum; production sets the syndicat's real SIRET.
OPERATOR_SIRET = env("OPERATOR_SIRET", "25780001100013")
OPERATOR_NAME = env("OPERATOR_NAME", "Mutualis — opérateur public de services numériques")
# DECP lieuExecution: where the framework agreements are executed (the operator's territory), as an INSEE code.
OPERATOR_EXECUTION_PLACE = env("OPERATOR_EXECUTION_PLACE", "78")
OPERATOR_EXECUTION_PLACE_TYPE = env("OPERATOR_EXECUTION_PLACE_TYPE", "Code département")
# The day the syndicat was created (ISO date): no adhésion, deliberation or competence transfer predates it.
try:
    OPERATOR_CREATED_ON = datetime.date.fromisoformat(env("OPERATOR_CREATED_ON", "2016-01-01").strip())
except ValueError:
    raise ImproperlyConfigured("OPERATOR_CREATED_ON is not a date: use the ISO form, e.g. 2016-01-01.") from None

# The operator as the issuer of contribution calls (the call's letterhead and payment instructions). The defaults are
# demo values, fictitious on purpose but valid in form: a postal address on no real street, an IBAN of the
# non-existent bank code 99999 (its RIB key and IBAN check digits computed, so that a bank's form accepts it), a BIC
# of the non-existent bank "MUTU". Production sets the syndicat's address and the account of its public accountant.
OPERATOR_ADDRESS = env("OPERATOR_ADDRESS", "1 place de l'Exemple, 78000 Versailles")
OPERATOR_IBAN = env("OPERATOR_IBAN", "FR7699999000010000001234537")
OPERATOR_BIC = env("OPERATOR_BIC", "MUTUFRPPXXX")
# Days a member has to pay a call: its due date is the issue date plus this delay, stored on the call when issued.
OPERATOR_PAYMENT_DELAY_DAYS = envint("OPERATOR_PAYMENT_DELAY_DAYS", "30")
if not 1 <= OPERATOR_PAYMENT_DELAY_DAYS <= 365:
    raise ImproperlyConfigured("OPERATOR_PAYMENT_DELAY_DAYS must be a number of days from 1 to 365.")

# ProConnect, the State's identity federation for public agents (docs/proconnect.md). The button shows once the domain,
# the client id and its secret are set; `make run` points them at the local demo provider (PROCONNECT_DEMO_PORT).
PROCONNECT_DOMAIN = env("PROCONNECT_DOMAIN", "")  # e.g. https://auth.proconnect.gouv.fr (discovery under /api/v2)
PROCONNECT_CLIENT_ID = env("PROCONNECT_CLIENT_ID", "")
PROCONNECT_CLIENT_SECRET = env("PROCONNECT_CLIENT_SECRET", "")  # or PROCONNECT_CLIENT_SECRET_FILE
PROCONNECT_SIGN_ALGO = env("PROCONNECT_SIGN_ALGO", "RS256")
if PROCONNECT_SIGN_ALGO not in {"RS256", "ES256"}:
    raise ImproperlyConfigured(f"PROCONNECT_SIGN_ALGO={PROCONNECT_SIGN_ALGO!r}: use RS256 or ES256.")
PROCONNECT_SCOPES = env("PROCONNECT_SCOPES", "openid email given_name usual_name siret uid idp_id")
PROCONNECT_HTTP_TIMEOUT = envint("PROCONNECT_HTTP_TIMEOUT", "10")
PROCONNECT_DEMO_PORT = envint("PROCONNECT_DEMO_PORT", "8002")

# Open data (mutualis.opendata): minutes between two passes of the worker over the catalogue (each dataset is
# generated again when its update frequency says so or its data changed).
OPENDATA_REFRESH_MINUTES = envint("OPENDATA_REFRESH_MINUTES", "15")
if OPENDATA_REFRESH_MINUTES < 1:
    raise ImproperlyConfigured("OPENDATA_REFRESH_MINUTES must be at least 1.")

# EV charging (mutualis.charging). The operator's AFIREV prefix: « FR » and the operator code the AFIREV gave it;
# every station and charge point identifier starts with it (décret 2017-26 art. 10).
CHARGING_AFIREV_PREFIX = env("CHARGING_AFIREV_PREFIX", "FRSYN").strip().upper()
# The OCPP gateway (`manage.py ocpp_gateway`): where charge points connect (ws://OCPP_HOST:OCPP_PORT/ocpp/<identity>),
# the heartbeat interval given at boot, and after how long without a message or a pong a point counts as offline.
OCPP_HOST = env("OCPP_HOST", "127.0.0.1")
OCPP_PORT = envint("OCPP_PORT", "8180")
OCPP_HEARTBEAT_INTERVAL = envint("OCPP_HEARTBEAT_INTERVAL", "60")
OCPP_PING_INTERVAL = envint("OCPP_PING_INTERVAL", "20")
OCPP_OFFLINE_AFTER = envint("OCPP_OFFLINE_AFTER", "50")
# Seconds a command waits for its delivery and answer before it is marked « sans réponse ».
OCPP_COMMAND_TIMEOUT = envint("OCPP_COMMAND_TIMEOUT", "60")
# Days OCPP frames stay in the message log; minutes a point may stay faulted or offline before staff are notified.
OCPP_MESSAGE_RETENTION_DAYS = envint("OCPP_MESSAGE_RETENTION_DAYS", "7")
CHARGING_ALERT_MINUTES = envint("CHARGING_ALERT_MINUTES", "15")

# Supervision ingestion: the MQTT broker Frigate publishes to (`make run` starts Mosquitto on this loopback port, away
# from a system broker on 1883), the ingest process' session, and the Frigate HTTP API (snapshots, clips).
MQTT_HOST = env("MQTT_HOST", "127.0.0.1")
MQTT_PORT = envint("MQTT_PORT", "1884")
MQTT_USERNAME = env("MQTT_USERNAME", "")
MQTT_PASSWORD = env("MQTT_PASSWORD", "")
MQTT_PROTOCOL = env("MQTT_PROTOCOL", "3.1.1")
MQTT_CLIENT_ID = env("MQTT_CLIENT_ID", "mutualis-supervision-ingest")
# Several ingest processes share the load with MQTT shared subscriptions when they name one group (each process keeps
# its own MQTT_CLIENT_ID); empty: one process takes every message.
MQTT_SHARE_GROUP = env("MQTT_SHARE_GROUP", "")
FRIGATE_HTTP_TIMEOUT = envint("FRIGATE_HTTP_TIMEOUT", "20")
FRIGATE_MAX_MEDIA_BYTES = envint("FRIGATE_MAX_MEDIA_BYTES", str(500 * 1024 * 1024))
# Supervision live view and playback: how long a viewing session lasts before the reason is asked again, the
# timeout of each frame fetched from Frigate (short: a frame a second), how long a playback's stream token lasts.
SUPERVISION_LIVE_SECONDS = envint("SUPERVISION_LIVE_SECONDS", "300")
SUPERVISION_LIVE_FRAME_TIMEOUT = envint("SUPERVISION_LIVE_FRAME_TIMEOUT", "3")
SUPERVISION_PLAYBACK_SECONDS = envint("SUPERVISION_PLAYBACK_SECONDS", "3600")

# IRVE statique (open data): the brand shown to drivers (nom_enseigne), the operator's contact e-mail and phone
# (contact_operateur, telephone_operateur); the aménageur is the operator itself (OPERATOR_NAME, its SIREN).
CHARGING_BRAND = env("CHARGING_BRAND", "Mutualis Recharge")
CHARGING_OPERATOR_EMAIL = env("CHARGING_OPERATOR_EMAIL", "recharge@demo.mutualis.fr")
CHARGING_OPERATOR_PHONE = env("CHARGING_OPERATOR_PHONE", "")
# Seconds between two refreshes of the live states (station pages, public map) in the browser.
CHARGING_LIVE_REFRESH = envint("CHARGING_LIVE_REFRESH", "5")
