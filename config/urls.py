"""Root URLs: pages of each app, the REST API under /api/v1/, the Django admin."""

from django.contrib import admin
from django.urls import include, path

from mutualis.charging.opendata import irve_dynamique_view, irve_statique_view
from mutualis.fibre.views.public import opendata_csv_view, opendata_geojson_view
from mutualis.purchasing.views.agreements import decp_json_view

urlpatterns = [
    path("", include("mutualis.core.urls")),
    path("compte/", include("mutualis.accounts.urls")),
    path("territoire/", include("mutualis.territory.urls")),
    path("", include("mutualis.members.urls")),
    path("cotisations/", include("mutualis.contributions.urls")),
    path("achats/", include("mutualis.purchasing.urls")),
    path("opendata/decp.json", decp_json_view, name="opendata_decp"),
    path("opendata/fibre-communes.csv", opendata_csv_view, name="opendata_fibre_communes_csv"),
    path("opendata/fibre-communes.geojson", opendata_geojson_view, name="opendata_fibre_communes_geojson"),
    path("equipements/", include("mutualis.assets.urls")),
    path("fibre/", include("mutualis.fibre.urls")),
    path("recharge/", include("mutualis.charging.urls")),
    path("opendata/irve-statique.csv", irve_statique_view, name="opendata_irve_statique"),
    path("opendata/irve-dynamique.csv", irve_dynamique_view, name="opendata_irve_dynamique"),
    path("api/v1/", include("config.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
