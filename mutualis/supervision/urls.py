"""Supervision pages, under /supervision/."""

from django.urls import path

from mutualis.supervision.views import alarms, manage

app_name = "supervision"

urlpatterns = [
    path("console/", alarms.console_view, name="console"),
    path("alarmes/", alarms.alarm_list_view, name="alarm_list"),
    path("incidents/", alarms.incident_list_view, name="incident_list"),
    path("alarmes/<id:pk>/", alarms.alarm_detail_view, name="alarm_detail"),
    path("alarmes/<id:pk>/rapport/", alarms.alarm_report_view, name="alarm_report"),
    path("alarmes/<id:pk>/rapport.pdf", alarms.alarm_report_pdf_view, name="alarm_report_pdf"),
    path("alarmes/<id:pk>/vignette/", alarms.alarm_snapshot_view, name="alarm_snapshot"),
    path(
        "alarmes/<id:pk>/<str:action>/",
        alarms.alarm_action_view,
        name="alarm_action",
    ),
    # Management (operators of supervision, administrators)
    path("sites/", manage.site_list_view, name="site_list"),
    path("sites/proteger/", manage.site_protect_view, name="site_protect"),
    path("sites/<id:pk>/", manage.site_detail_view, name="site_detail"),
    path("sites/<id:pk>/modifier/", manage.site_update_view, name="site_update"),
    path("sites/<id:pk>/horaires/", manage.opening_hours_view, name="opening_hours"),
    path("sites/<id:pk>/priorites/", manage.priority_rule_view, name="priority_rule"),
    path("sites/<id:pk>/autorisations/nouvelle/", manage.authorisation_create_view, name="authorisation_create"),
    path("sites/<id:pk>/habilitations/nouvelle/", manage.habilitation_grant_view, name="habilitation_grant"),
    path("sites/<id:pk>/equipements/nouveau/", manage.device_create_view, name="device_create"),
    path("sites/<id:pk>/contacts/nouveau/", manage.contact_create_view, name="contact_create"),
    path("autorisations/<id:pk>/modifier/", manage.authorisation_update_view, name="authorisation_update"),
    path("habilitations/<id:pk>/retirer/", manage.habilitation_revoke_view, name="habilitation_revoke"),
    path("equipements/<id:pk>/modifier/", manage.device_update_view, name="device_update"),
    path("equipements/<id:pk>/activer/", manage.device_activate_view, name="device_activate"),
    path("equipements/<id:pk>/desactiver/", manage.device_deactivate_view, name="device_deactivate"),
    path("contacts/<id:pk>/supprimer/", manage.contact_delete_view, name="contact_delete"),
    path("sources/", manage.source_list_view, name="source_list"),
    path("sources/nouvelle/", manage.source_create_view, name="source_create"),
    path("sources/<id:pk>/jeton/", manage.source_rotate_view, name="source_rotate"),
]
