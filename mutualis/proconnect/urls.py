from django.urls import path

from mutualis.proconnect import views

app_name = "proconnect"

urlpatterns = [
    path("connexion/", views.start_view, name="start"),
    path("retour/", views.callback_view, name="callback"),
    path("lier/", views.link_view, name="link"),
    path("lier/<str:secret>/", views.link_email_view, name="link_email"),
    path("en-attente/", views.pending_view, name="pending"),
    path("deconnexion/retour/", views.logout_return_view, name="logout_return"),
]
