"""Audit entries to search, shared by the journal's view and browser tests."""

from typing import Any

from mutualis.core.services import audit_record
from mutualis.members import services as member_services


def record_journal(world: Any) -> Any:
    """On the world: an approval of member A (by the administrator), a site of member B renamed by its manager
    (through the service), an administrator's login — three entries; returns the world."""
    audit_record(
        actor=world.staff,
        action="member.approved",
        obj=world.member_a,
        member_id=world.member_a.pk,
        before={"status": "requested"},
        after={"status": "approved", "deliberation_date": "2022-12-08"},
    )
    member_services.site_update(site=world.site_b, acting_user=world.other_member, name="Mairie de Boulogne")
    audit_record(actor=world.staff, action="user.login", obj=world.staff)
    return world
