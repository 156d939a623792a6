"""Education pages, under /education/."""

from django.urls import path

from mutualis.education.views import establishments

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
]
