"""Fibre pages, under /fibre/ (the open data files are routed at /opendata/ in config/urls.py)."""

from django.urls import path

from mutualis.fibre.views import backoffice, imports, public

app_name = "fibre"

urlpatterns = [
    path("couverture/", public.coverage_view, name="coverage"),
    path("espace/", public.member_progress_view, name="member_progress"),
    # Back-office
    path("back-office/", backoffice.dashboard_view, name="backoffice_dashboard"),
    path("back-office/avancement.csv", backoffice.progress_csv_view, name="backoffice_progress_csv"),
    path("back-office/trimestres.csv", backoffice.quarters_csv_view, name="backoffice_quarters_csv"),
    path("back-office/communes/nouvelle/", backoffice.plan_create_view, name="backoffice_plan_create"),
    path("back-office/communes/<str:insee_code>/", backoffice.plan_detail_view, name="backoffice_plan_detail"),
    path(
        "back-office/communes/<str:insee_code>/modifier/",
        backoffice.plan_update_view,
        name="backoffice_plan_update",
    ),
    path(
        "back-office/communes/<str:insee_code>/objectif/",
        backoffice.target_set_view,
        name="backoffice_target_set",
    ),
    path(
        "back-office/communes/<str:insee_code>/zones-pm/nouvelle/",
        backoffice.pm_zone_create_view,
        name="backoffice_pm_zone_create",
    ),
    path(
        "back-office/communes/<str:insee_code>/trimestres.csv",
        backoffice.commune_quarters_csv_view,
        name="backoffice_commune_quarters_csv",
    ),
    path("back-office/zones-pm/", backoffice.pm_zone_list_view, name="backoffice_pm_zone_list"),
    path("back-office/zones-pm.csv", backoffice.pm_zone_csv_view, name="backoffice_pm_zone_csv"),
    path("back-office/zones-pm/<id:pk>/modifier/", backoffice.pm_zone_update_view, name="backoffice_pm_zone_update"),
    path(
        "back-office/zones-pm/<id:pk>/etat/",
        backoffice.pm_zone_transition_view,
        name="backoffice_pm_zone_transition",
    ),
    path("back-office/adresses/", backoffice.address_list_view, name="backoffice_address_list"),
    path("back-office/imports/", imports.import_list_view, name="import_list"),
    path("back-office/imports/<id:pk>/", imports.import_detail_view, name="import_detail"),
    path("back-office/imports/<id:pk>/progression/", imports.import_progress_view, name="import_progress"),
    path("back-office/imports/<id:pk>/rejets.csv", imports.import_report_csv_view, name="import_report_csv"),
]
