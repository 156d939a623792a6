"""The REST API, version 1: each app's api/urls.py, the OpenAPI schema and an offline Swagger UI."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("mutualis.territory.api.urls")),
    path("", include("mutualis.members.api.urls")),
    path("", include("mutualis.contributions.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
