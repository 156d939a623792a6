from django.urls import path

from mutualis.members.views import adhesion, backoffice, sites, space, users

app_name = "members"

urlpatterns = [
    # Public adhésion request
    path("adhesion/", adhesion.adhesion_request_view, name="adhesion_request"),
    path("adhesion/merci/", adhesion.adhesion_request_done_view, name="adhesion_request_done"),
    # Member space
    path("espace/", space.space_view, name="space"),
    path("espace/<id:member_id>/", space.space_member_view, name="space_member"),
    path("espace/<id:member_id>/sites/nouveau/", sites.site_create_view, name="site_create"),
    path("espace/sites/<id:pk>/modifier/", sites.site_update_view, name="site_update"),
    path("espace/sites/<id:pk>/mise-hors-service/", sites.site_deactivate_view, name="site_deactivate"),
    path("espace/sites/<id:pk>/remise-en-service/", sites.site_reactivate_view, name="site_reactivate"),
    path("espace/<id:member_id>/sites/geocodage/", sites.site_geocode_view, name="site_geocode"),
    path("espace/<id:member_id>/utilisateurs/inviter/", users.membership_invite_view, name="membership_invite"),
    path("espace/utilisateurs/<id:pk>/role/", users.membership_change_role_view, name="membership_change_role"),
    path("espace/utilisateurs/<id:pk>/retrait/", users.membership_remove_view, name="membership_remove"),
    path("espace/invitations/<id:pk>/", users.invitation_detail_view, name="invitation_detail"),
    path("espace/invitations/<id:pk>/accepter/", users.invitation_accept_view, name="invitation_accept"),
    path("espace/invitations/<id:pk>/refuser/", users.invitation_decline_view, name="invitation_decline"),
    path("espace/invitations/<id:pk>/annuler/", users.invitation_cancel_view, name="invitation_cancel"),
    path("espace/demandes/<id:pk>/approuver/", users.join_request_approve_view, name="join_request_approve"),
    path("espace/demandes/<id:pk>/refuser/", users.join_request_refuse_view, name="join_request_refuse"),
    # Back-office
    path("back-office/adherents/", backoffice.member_list_view, name="backoffice_member_list"),
    path("back-office/adherents/export.csv", backoffice.member_export_view, name="backoffice_member_export"),
    path("back-office/adherents/nouveau/", backoffice.member_create_view, name="backoffice_member_create"),
    path("back-office/adherents/<id:pk>/", backoffice.member_detail_view, name="backoffice_member_detail"),
    path("back-office/adherents/<id:pk>/modifier/", backoffice.member_update_view, name="backoffice_member_update"),
    path(
        "back-office/adherents/<id:pk>/statut/<slug:to_status>/",
        backoffice.member_transition_view,
        name="backoffice_member_transition",
    ),
    path(
        "back-office/adherents/<id:pk>/competences/nouvelle/",
        backoffice.competence_add_view,
        name="backoffice_competence_add",
    ),
    path("back-office/competences/<id:pk>/fin/", backoffice.competence_end_view, name="backoffice_competence_end"),
    path(
        "back-office/competences/<id:pk>/modifier/",
        backoffice.competence_update_view,
        name="backoffice_competence_update",
    ),
    path(
        "back-office/competences/<id:pk>/annulation/",
        backoffice.competence_cancel_view,
        name="backoffice_competence_cancel",
    ),
    path(
        "back-office/adherents/<id:member_id>/utilisateurs/inviter/",
        users.backoffice_membership_invite_view,
        name="backoffice_membership_invite",
    ),
]
