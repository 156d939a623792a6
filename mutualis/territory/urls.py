"""Public territory pages, under /territoire/."""

from django.urls import path
from django.views.generic import RedirectView

from mutualis.territory import views

app_name = "territory"

urlpatterns = [
    path("", views.commune_list_view, name="commune_list"),
    # Commune pages live under communes/: the folder itself leads to the list (query string kept), never a 404.
    path("communes/", RedirectView.as_view(pattern_name="territory:commune_list", query_string=True)),
    path("communes/<str:insee_code>/", views.commune_detail_view, name="commune_detail"),
    path("departements/", views.departement_list_view, name="departement_list"),
    path("departements/<str:code>/", views.departement_detail_view, name="departement_detail"),
    path("intercommunalites/", views.intercommunality_list_view, name="intercommunality_list"),
    path("intercommunalites/<str:siren>/", views.intercommunality_detail_view, name="intercommunality_detail"),
]
