"""Equipment pages, under /equipements/."""

from django.urls import path

from mutualis.assets import views

app_name = "assets"

urlpatterns = [
    path("", views.asset_list_view, name="asset_list"),
    path("export.csv", views.asset_export_csv_view, name="asset_export_csv"),
    path("export.xlsx", views.asset_export_xlsx_view, name="asset_export_xlsx"),
    path("<id:pk>/", views.asset_detail_view, name="asset_detail"),
    path("<id:pk>/statut/", views.asset_transition_view, name="asset_transition"),
    path("<id:pk>/deplacer/", views.asset_move_view, name="asset_move"),
]
