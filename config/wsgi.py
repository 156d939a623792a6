"""WSGI entry point of the `web` process (gunicorn): pages and API."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from mutualis.core.processes import settle_heap  # noqa: E402 - needs the settings above

settle_heap(load_urls=True)
