"""Charging pages, under /recharge/ (the IRVE open data files are routed at /opendata/ in config/urls.py)."""

from django.urls import path

from mutualis.charging.views import backoffice as bo
from mutualis.charging.views import public

app_name = "charging"

urlpatterns = [
    path("carte/", public.public_map_view, name="public_map"),
    path("carte/stations.geojson", public.public_map_geojson_view, name="public_map_geojson"),
    path("stations/<id:pk>/", public.public_station_view, name="public_station"),
    path("espace/", public.member_stations_view, name="member_stations"),
    # Back-office
    path("back-office/stations/", bo.station_list_view, name="station_list"),
    path("back-office/stations/nouvelle/", bo.station_create_view, name="station_create"),
    path("back-office/stations/<id:pk>/", bo.station_detail_view, name="station_detail"),
    path("back-office/stations/<id:pk>/etat/", bo.station_live_view, name="station_live"),
    path("back-office/stations/<id:pk>/modifier/", bo.station_update_view, name="station_update"),
    path("back-office/stations/<id:pk>/limite/", bo.power_cap_set_view, name="power_cap_set"),
    path("back-office/stations/<id:pk>/limite/lever/", bo.power_cap_clear_view, name="power_cap_clear"),
    path("back-office/stations/<id:pk>/points/nouveau/", bo.charge_point_create_view, name="charge_point_create"),
    path("back-office/points/<id:pk>/", bo.charge_point_detail_view, name="charge_point_detail"),
    path("back-office/points/<id:pk>/etat/", bo.charge_point_live_view, name="charge_point_live"),
    path("back-office/points/<id:pk>/modifier/", bo.charge_point_update_view, name="charge_point_update"),
    path("back-office/points/<id:pk>/mot-de-passe/", bo.charge_point_password_view, name="charge_point_password"),
    path("back-office/points/<id:pk>/commandes/<slug:slug>/", bo.command_send_view, name="command_send"),
    path("back-office/commandes/<id:pk>/", bo.command_row_view, name="command_row"),
    path("back-office/sessions/", bo.session_list_view, name="session_list"),
    path("back-office/sessions.csv", bo.session_csv_view, name="session_csv"),
    path("back-office/sessions/<id:pk>/", bo.session_detail_view, name="session_detail"),
    path("back-office/sessions/<id:pk>/releves.json", bo.session_meter_json_view, name="session_meter_json"),
    path("back-office/sessions/<id:pk>/arreter/", bo.session_stop_view, name="session_stop"),
    path("back-office/badges/", bo.id_tag_list_view, name="id_tag_list"),
    path("back-office/badges/nouveau/", bo.id_tag_create_view, name="id_tag_create"),
    path("back-office/badges/<id:pk>/modifier/", bo.id_tag_update_view, name="id_tag_update"),
    path("back-office/badges/envoyer-liste/", bo.local_list_push_all_view, name="local_list_push_all"),
]
