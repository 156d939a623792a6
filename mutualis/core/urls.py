from django.urls import path

from mutualis.core import views

app_name = "core"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("tableau-de-bord/", views.dashboard_view, name="dashboard"),
    path("healthz", views.healthz_view, name="healthz"),
    path("etat-du-service/", views.status_view, name="status"),
    path("back-office/journal/", views.audit_list_view, name="audit_list"),
    path("back-office/journal/export.csv", views.audit_export_view, name="audit_export"),
    path("notifications/", views.notification_list_view, name="notification_list"),
    path("notifications/<id:pk>/", views.notification_open_view, name="notification_open"),
]
