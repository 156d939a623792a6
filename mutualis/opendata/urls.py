"""The citizen portal under /donnees/ (home, search, dataset pages, API page) and the files under /opendata/ (each
resource by its file name, the DCAT-AP catalogue). Included at the root by config/urls.py."""

from django.urls import path

from mutualis.opendata import views

app_name = "opendata"

urlpatterns = [
    path("donnees/", views.portal_home_view, name="home"),
    path("donnees/jeux/", views.dataset_list_view, name="dataset_list"),
    path("donnees/jeux/<slug:slug>/", views.dataset_detail_view, name="dataset_detail"),
    path("donnees/api/", views.api_view, name="api"),
    path("opendata/catalog.jsonld", views.catalog_jsonld_view, name="catalog_jsonld"),
    path("opendata/catalog.ttl", views.catalog_ttl_view, name="catalog_ttl"),
    path("opendata/<str:filename>", views.file_view, name="file"),
]
