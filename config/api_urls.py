"""The REST API, version 1: each app's api/urls.py, the OpenAPI schema and an offline Swagger UI."""

from django.urls import NoReverseMatch, include, path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

# Collections listed at the API root, by URL name.
ROOT_COLLECTIONS = {
    "departements": "departement-list",
    "communes": "commune-list",
    "intercommunalities": "intercommunality-list",
    "members": "member-list",
    "sites": "site-list",
    "contribution-rates": "contribution-rate-list",
    "contribution-calls": "contribution-call-list",
    "suppliers": "supplier-list",
    "framework-agreements": "framework-agreement-list",
    "lots": "lot-list",
    "catalogue-items": "catalogue-item-list",
    "orders": "order-list",
    "consolidated-orders": "consolidated-order-list",
    "deliveries": "delivery-list",
    "invoices": "invoice-list",
    "assets": "asset-list",
    "fibre-plans": "fibre-plan-list",
    "fibre-pm-zones": "fibre-pm-zone-list",
    "fibre-progress": "fibre-progress-list",
    "establishments": "establishment-list",
    "supervision-alarms": "supervision-alarm-list",
    "charging-stations": "charging-station-list",
    "charging-charge-points": "charging-charge-point-list",
    "charging-sessions": "charging-session-list",
    "charging-id-tags": "charging-id-tag-list",
    "charging-commands": "charging-command-list",
}


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request: Request) -> Response:
    """Entry point: the collections, the OpenAPI schema and its documentation."""
    links = {}
    for name, url_name in ROOT_COLLECTIONS.items():
        try:
            links[name] = reverse(url_name, request=request)
        except NoReverseMatch:  # a collection whose app is not installed is simply not listed
            continue
    links["schema"] = reverse("api-schema", request=request)
    links["docs"] = reverse("api-docs", request=request)
    return Response(links)


urlpatterns = [
    path("", api_root, name="api-root"),
    path("", include("mutualis.territory.api.urls")),
    path("", include("mutualis.members.api.urls")),
    path("", include("mutualis.contributions.api.urls")),
    path("", include("mutualis.purchasing.api.urls")),
    path("", include("mutualis.assets.api.urls")),
    path("", include("mutualis.fibre.api.urls")),
    path("", include("mutualis.education.api.urls")),
    path("", include("mutualis.supervision.api.urls")),
    path("", include("mutualis.charging.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: the Content-Security-Policy refuses inline code.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
