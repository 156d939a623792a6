from django.urls import path

from mutualis.contributions import views

app_name = "contributions"

urlpatterns = [
    path("", views.call_list_view, name="call_list"),
    path("export.csv", views.call_export_view, name="call_export"),
    path("emettre/", views.call_issue_view, name="call_issue"),
    path("taux/", views.rate_list_view, name="rate_list"),
    path("appels/<id:pk>/", views.call_detail_view, name="call_detail"),
    path("appels/<id:pk>/annuler/", views.call_cancel_view, name="call_cancel"),
    path("appels/<id:pk>/appel-de-cotisation.pdf", views.call_pdf_view, name="call_pdf"),
    path("mes-appels/", views.my_calls_view, name="my_calls"),
    path("adherent/<id:member_id>/", views.member_calls_view, name="member_calls"),
]
