from django.urls import path

from mutualis.accounts import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("connexion/verification/", views.login_verify_view, name="login_verify"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("deux-facteurs/", views.totp_setup_view, name="totp_setup"),
    path("", views.profile_view, name="profile"),
    path("jeton-api/", views.api_token_view, name="api_token"),
    path("courriels/", views.email_notifications_view, name="email_notifications"),
    path("nom/", views.name_view, name="name"),
    path("activer/<uidb64>/<token>/", views.ActivateAccountView.as_view(), name="set_password"),
    path("mot-de-passe-oublie/", views.password_reset_view, name="password_reset"),
    path("mot-de-passe-oublie/envoye/", views.password_reset_done_view, name="password_reset_done"),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        views.PasswordResetConfirmLinkView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/", views.password_change_view, name="password_change"),
    path("codes-de-secours/", views.recovery_codes_view, name="recovery_codes"),
    path("sessions/", views.sessions_view, name="sessions"),
    path("sessions/deconnecter-les-autres/", views.sessions_close_others_view, name="sessions_close_others"),
]
