"""Education pages, under /education/."""

from django.urls import path

from mutualis.education.views import establishments, loans, projects, resources

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
    path("prets/", loans.loan_list_view, name="loan_list"),
    path("prets/en-retard/", loans.overdue_list_view, name="loan_overdue"),
    path("prets/nouveau/", loans.loan_create_view, name="loan_create"),
    path("prets/<id:pk>/", loans.loan_detail_view, name="loan_detail"),
    path("prets/<id:pk>/retour/", loans.loan_return_view, name="loan_return"),
    path("prets/<id:pk>/convention.pdf", loans.loan_pdf_view, name="loan_pdf"),
    path("programmes/", loans.programme_campaign_list_view, name="programmes"),
    path("programmes/inclusion/<id:pk>/", loans.programme_detail_view, name="programme_detail"),
    path("programmes/campagnes/nouvelle/", loans.campaign_create_view, name="campaign_create"),
    path("programmes/campagnes/<id:pk>/", loans.campaign_detail_view, name="campaign_detail"),
    path(
        "programmes/campagnes/<id:pk>/beneficiaires/",
        loans.campaign_beneficiary_add_view,
        name="campaign_beneficiary_add",
    ),
    path("programmes/campagnes/<id:pk>/attribuer/", loans.campaign_allocate_view, name="campaign_allocate"),
    path("programmes/campagnes/<id:pk>/remise/<id:line_pk>/", loans.campaign_deliver_view, name="campaign_deliver"),
    path("programmes/campagnes/<id:pk>/bordereaux/", loans.campaign_sheets_view, name="campaign_sheets"),
    path("projets/", projects.call_list_view, name="call_list"),
    path("projets/nouveau/", projects.call_create_view, name="call_create"),
    path("projets/<id:pk>/", projects.call_detail_view, name="call_detail"),
    path("projets/<id:pk>/candidater/", projects.application_create_view, name="application_create"),
    path("candidatures/<id:pk>/", projects.application_detail_view, name="application_detail"),
    path("candidatures/<id:pk>/decision/", projects.application_decide_view, name="application_decide"),
    path("candidatures/<id:pk>/kit/", projects.application_kit_view, name="application_kit"),
    path("candidatures/<id:pk>/bilan/", projects.application_outcome_view, name="application_outcome"),
]
