from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

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
    path(
        "activer/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/set_password.html", success_url=reverse_lazy("accounts:login")
        ),
        name="set_password",
    ),
]
