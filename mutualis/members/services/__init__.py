"""Writes of the members app: members and their adhésion workflow, competences, sites, memberships.

Every view, API endpoint and management command goes through these functions (keyword-only, `acting_user`),
so that one rule holds everywhere. Bad input raises django.core.exceptions.ValidationError with French messages,
keyed by field, and nothing is written.
"""

from mutualis.members.services.adhesion import adhesion_request_submit
from mutualis.members.services.competences import (
    competence_transfer_add,
    competence_transfer_cancel,
    competence_transfer_end,
    competence_transfer_update,
)
from mutualis.members.services.members import member_create, member_transition, member_update
from mutualis.members.services.memberships import (
    Invitation,
    membership_add,
    membership_change_role,
    membership_invite,
    membership_remove,
    membership_request_approve,
    membership_request_create,
    membership_request_refuse,
)
from mutualis.members.services.sites import site_create, site_deactivate, site_update

__all__ = [
    "Invitation",
    "adhesion_request_submit",
    "competence_transfer_add",
    "competence_transfer_cancel",
    "competence_transfer_end",
    "competence_transfer_update",
    "member_create",
    "member_transition",
    "member_update",
    "membership_add",
    "membership_change_role",
    "membership_invite",
    "membership_remove",
    "membership_request_approve",
    "membership_request_create",
    "membership_request_refuse",
    "site_create",
    "site_deactivate",
    "site_update",
]
