from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    """Members' yearly contributions (cotisations): rate tables per competence and the calls issued from them."""

    name = "mutualis.contributions"
    label = "contributions"
    verbose_name = _("Cotisations")
