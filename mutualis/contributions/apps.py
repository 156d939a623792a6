from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    """Members' yearly contributions (cotisations): rate tables per competence and the calls issued from them."""

    name = "mutualis.contributions"
    label = "contributions"
    verbose_name = _("Cotisations")

    def ready(self) -> None:
        # The audit journal: what this app's entries mean, in French.
        from mutualis.core import audit_labels

        audit_labels.register_actions(
            {
                "contribution_rate.set": _("Taux de cotisation fixé"),
                "contribution_call.issue": _("Appel de cotisation émis"),
                "contribution_call.cancel": _("Appel de cotisation annulé"),
            },
            group=self.verbose_name,
        )
        audit_labels.register_object_types(["contributions.contributionrate", "contributions.contributioncall"])

        from mutualis.contributions.billing import calls_billing
        from mutualis.members.billing import register_billing_lookup

        # A transfer an issued call bills can no longer be corrected in members (which never imports contributions).
        register_billing_lookup(calls_billing)
