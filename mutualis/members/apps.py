from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    """Members (adhérents), competences, memberships and roles, sites: the tenancy root."""

    name = "mutualis.members"
    label = "members"
    verbose_name = _("Adhérents")

    def ready(self) -> None:
        from mutualis.core.panels import register_account_panel, register_commune_panel
        from mutualis.core.scoping import register_member_scope
        from mutualis.members.panels import commune_members_panel
        from mutualis.members.selectors import member_ids_for
        from mutualis.members.views.users import invitations_panel

        register_member_scope(member_ids_for)

        register_commune_panel(commune_members_panel, order=10)
        register_account_panel(invitations_panel, order=10)

        # Open data: the directory of the active members (public bodies) in the catalogue.
        from mutualis.members.opendata import DATASET
        from mutualis.opendata.registry import register_dataset

        register_dataset(DATASET)

        # The audit journal: what this app's entries mean, in French, and how a member is found by name or SIREN.
        from mutualis.core import audit_labels
        from mutualis.members.selectors import member_list

        audit_labels.register_actions(
            {
                "member.create": _("Adhérent enregistré (demande d'adhésion)"),
                "member.update": _("Fiche de l'adhérent modifiée"),
                "member.approved": _("Adhésion approuvée"),
                "member.rejected": _("Adhésion refusée"),
                "member.active": _("Adhésion effective (adhérent actif)"),
                "member.withdrawn": _("Retrait de l'adhérent"),
                "competence.add": _("Compétence transférée"),
                "competence.end": _("Transfert de compétence terminé"),
                "competence.cancel": _("Transfert de compétence annulé"),
                "membership.add": _("Utilisateur rattaché à l'adhérent"),
                "membership.invite": _("Utilisateur invité"),
                "membership.change_role": _("Rôle d'un utilisateur modifié"),
                "membership.remove": _("Utilisateur retiré de l'adhérent"),
                "membership.invitation_accept": _("Invitation acceptée"),
                "membership.invitation_decline": _("Invitation refusée"),
                "membership.invitation_cancel": _("Invitation annulée"),
                "membership.request": _("Demande de rattachement à l'adhérent"),
                "membership.request_approve": _("Demande de rattachement approuvée"),
                "membership.request_refuse": _("Demande de rattachement refusée"),
                "site.create": _("Site ajouté"),
                "site.update": _("Site modifié"),
                "site.deactivate": _("Site mis hors service"),
                "site.reactivate": _("Site remis en service"),
            },
            group=self.verbose_name,
        )
        audit_labels.register_object_types(
            [
                "members.member",
                "members.competencetransfer",
                "members.membership",
                "members.membershipinvitation",
                "members.membershiprequest",
                "members.site",
            ]
        )
        audit_labels.register_detail_labels(
            {
                "effective_date": _("Date d'effet"),
                "requested_by": _("Demandée par"),
                "email": _("Adresse électronique"),
                "account_created": _("Compte créé"),
            }
        )
        audit_labels.register_member_lookup(
            search=lambda user, text: dict(member_list(user=user, filters={"q": text}).values_list("pk", "name")),
            names=lambda user, ids: dict(member_list(user=user).filter(pk__in=ids).values_list("pk", "name")),
        )
