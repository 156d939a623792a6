"""Supervision API: event ingestion by the sources (their own token), alarms for the people who may read them."""

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mutualis.core.permissions import AbilityPermission
from mutualis.supervision.api.serializers import (
    AlarmSerializer,
    EventInSerializer,
    IngestAnswerSerializer,
    count_results,
)
from mutualis.supervision.filters import AlarmFilterSet
from mutualis.supervision.permissions import get_abilities
from mutualis.supervision.selectors import alarms as selectors
from mutualis.supervision.services.ingestion import MAX_BATCH, ingest_events
from mutualis.supervision.services.sources import source_authenticate


class _RawBody(BaseParser):
    """Leave the body to the view: JSON object, JSON array or NDJSON, each event checked on its own."""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return None


def _unauthorised() -> Response:
    return Response(
        {"detail": _("Jeton de source absent ou invalide.")},
        status=status.HTTP_401_UNAUTHORIZED,
        headers={"WWW-Authenticate": 'Token realm="supervision"'},
    )


def _events_from(body: bytes, content_type: str) -> tuple[list[Any] | None, str]:
    """The events of a body, or None and why it cannot be read. An NDJSON line that is not JSON becomes a
    non-object event, so that it is refused on its own and the others kept."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None, _("Le corps doit être encodé en UTF-8.")
    if "ndjson" in content_type or "jsonlines" in content_type:
        events: list[Any] = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                events.append(json.loads(line))
            except ValueError:
                events.append(None)
        return events, ""
    try:
        data = json.loads(text)
    except ValueError as exc:
        return None, _("JSON invalide : %(error)s.") % {"error": exc}
    if isinstance(data, dict):
        return [data], ""
    if isinstance(data, list):
        return data, ""
    return None, _("Un événement (objet JSON) ou un lot (tableau JSON) est attendu.")


class EventIngestView(APIView):
    """POST /api/v1/supervision/events/: a source sends one event, a batch, or NDJSON, with its own token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []  # sources send sustained batches; the token is the gate
    parser_classes = [_RawBody]

    @extend_schema(
        summary=gettext_lazy("Envoyer des événements (source)"),
        description=gettext_lazy(
            "En-tête « Authorization: Token <jeton de la source> ». Corps : un événement (objet JSON), un lot "
            "(tableau JSON) ou du NDJSON (application/x-ndjson). Idempotent sur (source, id). Réponse : un résultat "
            "par événement (created, duplicate ou ses erreurs) ; les événements invalides sont refusés, les autres "
            "gardés. 201 : tout est créé ou déjà reçu ; 207 : une partie en erreur ; 400 : aucun événement valide ; "
            "401 : jeton absent ou invalide."
        ),
        request=EventInSerializer(many=True),
        responses={201: IngestAnswerSerializer, 207: IngestAnswerSerializer, 400: IngestAnswerSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _sep, token = header.partition(" ")
        source = source_authenticate(token=token.strip()) if scheme.lower() in {"token", "bearer"} else None
        if source is None:
            return _unauthorised()
        try:
            body = request.body
        except RequestDataTooBig:
            return Response({"detail": _("Corps trop volumineux.")}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        events, problem = _events_from(body, request.content_type or "")
        if events is None:
            return Response({"detail": problem}, status=status.HTTP_400_BAD_REQUEST)
        if not events:
            return Response({"detail": _("Aucun événement dans le corps.")}, status=status.HTTP_400_BAD_REQUEST)
        if len(events) > MAX_BATCH:
            message = _("Lot trop grand : %(n)s événements au plus.") % {"n": MAX_BATCH}
            return Response({"detail": message}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        answer = count_results(ingest_events(source=source, events=events))
        if not answer["errors"]:
            code = status.HTTP_201_CREATED
        elif answer["created"] or answer["duplicate"]:
            code = status.HTTP_207_MULTI_STATUS
        else:
            code = status.HTTP_400_BAD_REQUEST
        return Response(answer, status=code)


ALARM_PARAMS = [
    OpenApiParameter("status", str, description=gettext_lazy("new, in_progress, on_hold, closed")),
    OpenApiParameter("site", int, description=gettext_lazy("Site protégé")),
    OpenApiParameter("priority", int, description=gettext_lazy("1 (critique) à 4 (basse)")),
    OpenApiParameter("since", str, description=gettext_lazy("Dernier événement depuis (ISO 8601)")),
]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Alarmes"),
        description=gettext_lazy(
            "Les alarmes que l'appelant peut lire (opérateurs : sites pour lesquels ils sont habilités ; "
            "adhérents : leurs sites), les plus urgentes d'abord."
        ),
        parameters=ALARM_PARAMS,
    ),
    retrieve=extend_schema(summary=gettext_lazy("Une alarme")),
)
class AlarmViewSet(viewsets.ReadOnlyModelViewSet):
    """Alarms the caller may read."""

    serializer_class = AlarmSerializer
    permission_classes = [IsAuthenticated, AbilityPermission]
    filterset_class = AlarmFilterSet
    ordering_fields = ["priority", "first_event_at", "last_event_at"]

    def get_queryset(self) -> QuerySet:
        return selectors.alarm_list(user=self.request.user)

    def get_object_abilities(self, obj: Any) -> dict[str, Any]:
        return get_abilities(self.request.user, obj)
