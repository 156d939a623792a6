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
    path("sources/<id:pk>/modifier/", manage.source_edit_view, name="source_edit"),
]

# Evidence, requisitions, access requests, registers, public key, risk studies (views/evidence.py, views/studies.py)
from mutualis.supervision.views import evidence, studies  # noqa: E402

urlpatterns += [
    path("preuves/", evidence.evidence_home_view, name="evidence_home"),
    path("preuves/cle-publique/", evidence.public_key_view, name="public_key"),
    path("preuves/cle-publique.pem", evidence.public_key_pem_view, name="public_key_pem"),
    path("requisitions/", evidence.requisition_list_view, name="requisition_list"),
    path("requisitions/nouvelle/", evidence.requisition_create_view, name="requisition_create"),
    path("requisitions/<id:pk>/", evidence.requisition_detail_view, name="requisition_detail"),
    path("requisitions/<id:pk>/plages/", evidence.requisition_range_view, name="requisition_range"),
    path("requisitions/<id:pk>/extraire/", evidence.requisition_extract_view, name="requisition_extract"),
    path("requisitions/<id:pk>/remettre/", evidence.requisition_handover_view, name="requisition_handover"),
    path("remises/<id:pk>/export.zip", evidence.handover_download_view, name="handover_download"),
    path("demandes-acces/", evidence.access_request_list_view, name="access_request_list"),
    path("demandes-acces/nouvelle/", evidence.access_request_create_view, name="access_request_create"),
    path("demandes-acces/<id:pk>/", evidence.access_request_detail_view, name="access_request_detail"),
    path("demandes-acces/<id:pk>/export.zip", evidence.access_request_export_view, name="access_request_export"),
    path("demandes-acces/<id:pk>/occultation/<id:rec>/", evidence.access_masking_view, name="access_masking"),
    path(
        "demandes-acces/<id:pk>/occultation/<id:rec>/retirer/",
        evidence.access_masking_withdraw_view,
        name="access_masking_withdraw",
    ),
    path(
        "demandes-acces/<id:pk>/occultation/<id:rec>/original.jpg",
        evidence.access_masking_original_view,
        name="access_masking_original",
    ),
    path(
        "demandes-acces/<id:pk>/occultation/<id:rec>/apercu.jpg",
        evidence.access_masking_preview_view,
        name="access_masking_preview",
    ),
    path("registre/", evidence.register_view, name="register"),
    path("registre-acces/", evidence.access_register_view, name="access_register"),
    path("etudes/", studies.study_list_view, name="study_list"),
    path("etudes/demander/", studies.study_request_view, name="study_request"),
    path("etudes/<id:pk>/", studies.study_detail_view, name="study_detail"),
    path("etudes/<id:pk>/<str:action>/", studies.study_action_view, name="study_action"),
]

# Live view and playback of a camera's images (views/live.py)
from mutualis.supervision.views import live  # noqa: E402

urlpatterns += [
    path("cameras/", live.camera_list_view, name="camera_list"),
    path("cameras/<id:pk>/direct/", live.live_view, name="live"),
    path("cameras/<id:pk>/direct/image/", live.live_frame_view, name="live_frame"),
    path("cameras/<id:pk>/direct/fin/", live.live_end_view, name="live_end"),
    path("cameras/<id:pk>/enregistrements/", live.camera_recordings_view, name="camera_recordings"),
    path("enregistrements/<id:pk>/lecture/", live.recording_play_view, name="recording_play"),
    path("enregistrements/<id:pk>/video/", live.recording_media_view, name="recording_media"),
]
