"""Root URLs: pages of each app, the REST API under /api/v1/, the Django admin."""

from django.contrib import admin
from django.urls import include, path

from mutualis.opendata.views import file_view

urlpatterns = [
    path("", include("mutualis.core.urls")),
    path("compte/proconnect/", include("mutualis.proconnect.urls")),
    path("compte/", include("mutualis.accounts.urls")),
    path("territoire/", include("mutualis.territory.urls")),
    path("", include("mutualis.members.urls")),
    path("cotisations/", include("mutualis.contributions.urls")),
    path("achats/", include("mutualis.purchasing.urls")),
    # Open data files registered by the apps (opendata registry), under the names their pages already link.
    path("opendata/decp.json", file_view, {"filename": "decp.json"}, name="opendata_decp"),
    path(
        "opendata/fibre-communes.csv", file_view, {"filename": "fibre-communes.csv"}, name="opendata_fibre_communes_csv"
    ),
    path(
        "opendata/fibre-communes.geojson",
        file_view,
        {"filename": "fibre-communes.geojson"},
        name="opendata_fibre_communes_geojson",
    ),
    path("opendata/irve-statique.csv", file_view, {"filename": "irve-statique.csv"}, name="opendata_irve_statique"),
    path("opendata/irve-dynamique.csv", file_view, {"filename": "irve-dynamique.csv"}, name="opendata_irve_dynamique"),
    path("", include("mutualis.opendata.urls")),
    path("equipements/", include("mutualis.assets.urls")),
    path("fibre/", include("mutualis.fibre.urls")),
    path("education/", include("mutualis.education.urls")),
    path("supervision/", include("mutualis.supervision.urls")),
    path("recharge/", include("mutualis.charging.urls")),
    path("api/v1/", include("config.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
