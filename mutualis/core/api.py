"""API building blocks shared by every app's api/ package."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings


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
