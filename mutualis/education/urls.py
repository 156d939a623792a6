"""Education pages, under /education/."""

from django.urls import path

from mutualis.education.views import establishments, resources

app_name = "education"

urlpatterns = [
    path("etablissements/", establishments.establishment_list_view, name="establishment_list"),
    path("etablissements/nouveau/", establishments.establishment_create_view, name="establishment_create"),
    path("etablissements/import/", establishments.establishment_import_view, name="establishment_import"),
    path("etablissements/<id:pk>/", establishments.establishment_detail_view, name="establishment_detail"),
    path("etablissements/<id:pk>/modifier/", establishments.establishment_update_view, name="establishment_update"),
    path("etablissements/<id:pk>/referents/", establishments.referent_add_view, name="referent_add"),
    path(
        "etablissements/<id:pk>/referents/<id:user_pk>/retirer/",
        establishments.referent_remove_view,
        name="referent_remove",
    ),
    path("etablissements/<id:pk>/abonner/", resources.subscription_create_view, name="subscription_create"),
    path("ressources/", resources.resource_list_view, name="resource_list"),
    path("ressources/nouvelle/", resources.resource_create_view, name="resource_create"),
    path("ressources/export-editeur.csv", resources.publisher_export_view, name="publisher_export"),
    path("ressources/usage/", resources.usage_view, name="usage"),
    path("abonnements/", resources.subscription_list_view, name="subscription_list"),
    path("abonnements/<id:pk>/", resources.subscription_detail_view, name="subscription_detail"),
    path("abonnements/<id:pk>/attribuer/", resources.assignment_create_view, name="assignment_create"),
    path(
        "abonnements/<id:pk>/attributions/<id:assignment_pk>/retirer/",
        resources.assignment_revoke_view,
        name="assignment_revoke",
    ),
]
