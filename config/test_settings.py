"""Settings for the test suite: the real settings, with fast password hashing and tasks run inline."""

import os
import re

# A key of the test run's own (set before the real settings read the environment, which refuse running without one).
os.environ.setdefault("SECRET_KEY", "test-suite-only-key-0123456789-abcdefghijklmnopqrstuvwxyz")

from config.settings import *  # noqa: F403
from config.settings import DATABASES, REDIS_URL  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if REDIS_URL:
    # With Redis (the PostgreSQL CI run), each xdist worker gets its own Redis database: tests clear the cache.
    _worker = int(re.sub(r"\D", "", os.environ.get("PYTEST_XDIST_WORKER", "gw0")) or 0)
    _redis = re.sub(r"/\d*$", "", REDIS_URL) + f"/{1 + _worker % 15}"
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [_redis]}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Browser tests serve pages over plain http on 127.0.0.1.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# Each xdist worker gets its own test database; SQLite unit tests run in memory. The browser tests (`make
# test-browser` sets TEST_SQLITE_FILE) use a file: the live server's threads then write through connections of their
# own, as processes do in production, instead of sharing an in-memory database whose table locks fail a write at once
# (« database table is locked ») when two threads meet.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _file = os.environ.get("TEST_SQLITE_FILE", "")
    DATABASES["default"]["TEST"] = {"NAME": _file or None}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# django-otp delays retries after a failed code; tests exercise our own throttling instead.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Static files are served from the finders (node_modules), no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
# Tests never reach the network: maps show contours without background tiles.
MAP_TILE_URL = ""
# Pages under test do not open websockets to whatever listens on WS_PORT (the realtime tests use Channels directly).
REALTIME_URL = "off"
