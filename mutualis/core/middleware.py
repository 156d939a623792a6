"""A last guard against numbers too large for the database, should one slip past the parsers (core.validation)."""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class OverflowGuardMiddleware:
    """An OverflowError (SQLite cannot hold a number typed in a URL or a filter) answers 400, never 500: nothing was
    written, since the database refused the query before running it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OverflowError):
            return None
        logger.warning("Number out of range in %s %s: %s", request.method, request.get_full_path(), exception)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Un identifiant ou un nombre de la requête est hors limites."}, status=400)
        return HttpResponse(render_to_string("400.html", request=request), status=400)
