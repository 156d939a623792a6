"""API building blocks shared by every app's api/ package."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Model, QuerySet
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import SimpleRouter
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from mutualis.core.collation import french
from mutualis.core.urls_ids import ID_REGEX


class Pagination(PageNumberPagination):
    """Page-number pagination; clients may ask up to 500 rows a page with ?page_size=."""

    page_size_query_param = "page_size"
    max_page_size = 500


def as_api_error(exc: DjangoValidationError) -> serializers.ValidationError:
    """A service's ValidationError as DRF field errors (HTTP 400)."""
    if not hasattr(exc, "error_dict"):
        return serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages})
    detail = {
        (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
        for field, messages in exc.message_dict.items()
    }
    return serializers.ValidationError(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    """DRF's handler, plus: a service's Django ValidationError answers 400 with its field errors, so viewsets and
    serializers call services without a try/except of their own (settings.REST_FRAMEWORK["EXCEPTION_HANDLER"])."""
    if isinstance(exc, DjangoValidationError):
        exc = as_api_error(exc)
    elif isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = PermissionDenied(str(exc))  # DRF's own handler would drop the service's French reason
    return drf_exception_handler(exc, context)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by id, among those the requesting user may see: `scope(user)` (by default
    `model.objects.visible_to(user)`, core.scoping). Another member's id then answers exactly as an id that does not
    exist (« Clé primaire « 7 » non valide - l'objet n'existe pas. »): a client learns nothing of other members'
    rows from the API's error messages.

        order = ScopedPrimaryKeyRelatedField(Order)
        lot = ScopedPrimaryKeyRelatedField(Lot, scope=lambda user: lot_list(user=user))
    """

    def __init__(self, model: type[Model], scope: Callable[[Any], QuerySet] | None = None, **kwargs: Any) -> None:
        self.scope = scope or (lambda user: model._default_manager.visible_to(user))  # type: ignore[attr-defined]
        # Never used to look an object up (get_queryset is): it tells the schema what the id points to.
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        return self.scope(getattr(request, "user", None))


class FrenchOrderingFilter(OrderingFilter):
    """DRF's `?ordering=`, with text columns sorted in French order (accents and case aside), as the pages are."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*(_french_term(queryset.model, term) for term in ordering))


def _french_term(model: Any, term: str) -> Any:
    """An order_by() term: `french(path)` (ascending or descending) when the path ends on a text column."""
    path = term.lstrip("-")
    field = None
    try:
        for part in path.split("__"):
            field = model._meta.get_field(part)
            model = field.related_model or model
    except (FieldDoesNotExist, AttributeError):
        return term
    if not isinstance(field, models.CharField | models.TextField) or getattr(field, "choices", None):
        return term
    expression = french(path)
    return expression.desc() if term.startswith("-") else expression.asc()


class Router(SimpleRouter):
    """DRF router whose detail routes looked up by primary key only match 1 to 18 digits (see core.urls_ids)."""

    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        if getattr(viewset, "lookup_field", "pk") == "pk" and not hasattr(viewset, "lookup_value_regex"):
            lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or "pk"
            return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{ID_REGEX})"
        return super().get_lookup_regex(viewset, lookup_prefix)
