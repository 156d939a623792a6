from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from mutualis.accounts import services
from mutualis.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts in the Django admin, identified by e-mail; resetting the second factor (authenticator and recovery
    codes) is audited and e-mailed to the user."""

    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "staff_role", "is_active", "last_login")
    list_filter = ("staff_role", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        (_("Accès"), {"fields": ("staff_role", "is_active", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "staff_role", "password1", "password2")}),)
    actions = ["reset_totp"]

    @admin.action(description=_("Réinitialiser la double authentification (téléphone perdu, codes de secours épuisés)"))
    def reset_totp(self, request: HttpRequest, queryset: QuerySet[User]) -> TemplateResponse | None:
        """Asks for confirmation first (the accounts listed), then resets each one's second factor."""
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Réinitialiser la double authentification"),
                "users": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/accounts/user/reset_totp_confirm.html", context)
        for user in queryset:
            services.totp_device_reset(user=user, acting_user=request.user)
        messages.success(
            request,
            _(
                "Double authentification réinitialisée : les personnes concernées sont prévenues par courriel, et les "
                "comptes de l'opérateur la configureront de nouveau à leur prochaine connexion."
            ),
        )
        return None
