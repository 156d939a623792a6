"""Protected sites: a member's site placed under supervision (gated by the « vidéoprotection » competence), its
préfectoral authorisations, opening hours, escalation contacts and priorities."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, snapshot, update_audited
from mutualis.core.validation import Errors
from mutualis.members.choices import SiteKind
from mutualis.members.models import CompetenceTransfer, Member, Site
from mutualis.supervision import rules
from mutualis.supervision.choices import AuthorisationPurpose
from mutualis.supervision.models import (
    Authorisation,
    EscalationContact,
    OpeningPeriod,
    PriorityRule,
    ProtectedSite,
)
from mutualis.supervision.services.common import require_operator

SITE_FIELDS = (
    "is_college",
    "restricted_access",
    "signage_installed",
    "signage_checked_on",
    "correlation_window_seconds",
    "merge_door_forced_motion",
    "merge_window_seconds",
    "heartbeat_timeout_minutes",
    "is_active",
    "notes",
)


def member_competences(member: Member, day: datetime.date | None = None) -> list[str]:
    """The competences the member has transferred, in force on `day`."""
    day = day or timezone.localdate()
    return list(CompetenceTransfer.objects.filter(member=member).active_on(day).values_list("competence", flat=True))


def supervision_allowed_for(member: Member, day: datetime.date | None = None) -> bool:
    """Whether the member transferred « vidéoprotection » (rules.competence_held)."""
    return rules.competence_held(competences=member_competences(member, day))


@transaction.atomic
def protected_site_create(*, site: Site, acting_user: User, **fields: Any) -> ProtectedSite:
    """Place a member's site under supervision; the member must have transferred « vidéoprotection »."""
    require_operator(acting_user)
    fields.setdefault("is_college", site.kind == SiteKind.COLLEGE)
    protected = ProtectedSite(site=site, **{k: v for k, v in fields.items() if k in SITE_FIELDS})
    errors = Errors()
    if not supervision_allowed_for(site.member):
        errors.add("site", _("Cet adhérent n'a pas transféré la compétence « vidéoprotection »."))
    if ProtectedSite.objects.filter(site=site).exists():
        errors.add("site", _("Ce site est déjà supervisé."))
    errors.full_clean(protected, validate_unique=False)
    errors.raise_if_any()
    protected.save()
    audit_record(
        actor=acting_user,
        action="supervision.site_protect",
        obj=protected,
        member_id=site.member_id,
        after=snapshot(protected),
    )
    return protected


@transaction.atomic
def protected_site_update(*, protected_site: ProtectedSite, acting_user: User, **fields: Any) -> ProtectedSite:
    """Change a protected site's settings (collège, restricted premises, signage, correlation, health)."""
    require_operator(acting_user)
    from mutualis.supervision.services.devices import refresh_site_devices

    return update_audited(
        protected_site,
        acting_user=acting_user,
        action="supervision.site_update",
        changes=fields,
        allowed=SITE_FIELDS,
        member_id=protected_site.site.member_id,
        saved=lambda protected: refresh_site_devices(protected_site=protected),
    )


def _check_authorisation(authorisation: Authorisation, errors: Errors) -> None:
    if authorisation.retention_days is not None and not rules.retention_days_allowed(authorisation.retention_days):
        errors.add(
            "retention_days",
            _("La durée de conservation ne peut dépasser %(days)s jours (CSI L252-5).")
            % {"days": rules.MAX_RETENTION_DAYS},
        )
    if (
        authorisation.valid_from
        and authorisation.valid_until
        and not rules.authorisation_validity_allowed(authorisation.valid_from, authorisation.valid_until)
    ):
        errors.add(
            "valid_until", _("Une autorisation vaut cinq ans au plus, à compter de sa date d'effet (CSI L252-4).")
        )
    if authorisation.arrete_date and authorisation.valid_from and authorisation.arrete_date > authorisation.valid_from:
        errors.add("valid_from", _("L'autorisation ne peut prendre effet avant la date de l'arrêté."))
    unknown = [p for p in authorisation.purposes or [] if p not in AuthorisationPurpose.values]
    if unknown:
        errors.add("purposes", _("Finalité inconnue : %(p)s.") % {"p": ", ".join(map(str, unknown))})
    if not authorisation.purposes:
        errors.add("purposes", _("Indiquez au moins une finalité de l'arrêté."))


AUTHORISATION_FIELDS = (
    "arrete_reference",
    "arrete_date",
    "prefecture",
    "purposes",
    "retention_days",
    "covers_public_space",
    "camera_count",
    "valid_from",
    "valid_until",
    "revoked_on",
    "renewal_requested_on",
)


@transaction.atomic
def authorisation_create(*, protected_site: ProtectedSite, acting_user: User, **fields: Any) -> Authorisation:
    """Record the arrêté préfectoral of a site (retention ≤ 30 days, five years at most; the end date defaults to
    five years after its start), then re-check which cameras may be supervised."""
    require_operator(acting_user)
    values = {k: v for k, v in fields.items() if k in AUTHORISATION_FIELDS}
    if values.get("valid_from") and not values.get("valid_until"):
        values["valid_until"] = rules.authorisation_valid_until(values["valid_from"])
    authorisation = Authorisation(protected_site=protected_site, **values)
    errors = Errors()
    errors.full_clean(authorisation)
    _check_authorisation(authorisation, errors)
    errors.raise_if_any()
    authorisation.save()
    audit_record(
        actor=acting_user,
        action="supervision.authorisation_create",
        obj=authorisation,
        member_id=protected_site.site.member_id,
        after=snapshot(authorisation),
    )
    from mutualis.supervision.services.devices import refresh_site_devices

    refresh_site_devices(protected_site=protected_site)
    return authorisation


@transaction.atomic
def authorisation_update(*, authorisation: Authorisation, acting_user: User, **fields: Any) -> Authorisation:
    """Correct an authorisation, record its renewal request or its withdrawal; cameras are re-checked."""
    require_operator(acting_user)
    from mutualis.supervision.services.devices import refresh_site_devices

    def prepare(row: Authorisation) -> None:
        if row.valid_from and not row.valid_until:
            row.valid_until = rules.authorisation_valid_until(row.valid_from)

    return update_audited(
        authorisation,
        acting_user=acting_user,
        action="supervision.authorisation_update",
        changes=fields,
        allowed=AUTHORISATION_FIELDS,
        member_id=authorisation.protected_site.site.member_id,
        prepare=prepare,
        check=_check_authorisation,
        saved=lambda row: refresh_site_devices(protected_site=row.protected_site),
    )


@transaction.atomic
def opening_periods_set(
    *, protected_site: ProtectedSite, periods: list[tuple[int, datetime.time, datetime.time]], acting_user: User
) -> list[OpeningPeriod]:
    """Replace a collège's weekly opening hours (lieux de vie cameras are off during them)."""
    require_operator(acting_user)
    errors = Errors()
    rows = []
    for index, (weekday, opens_at, closes_at) in enumerate(periods):
        if not 0 <= weekday <= 6:
            errors.add("periods", _("Ligne %(n)s : jour inconnu.") % {"n": index + 1})
        if opens_at >= closes_at:
            errors.add("periods", _("Ligne %(n)s : l'ouverture doit précéder la fermeture.") % {"n": index + 1})
        rows.append(
            OpeningPeriod(protected_site=protected_site, weekday=weekday, opens_at=opens_at, closes_at=closes_at)
        )
    errors.raise_if_any()
    before = [str(p) for p in protected_site.opening_periods.all()]
    protected_site.opening_periods.all().delete()
    OpeningPeriod.objects.bulk_create(rows)
    audit_record(
        actor=acting_user,
        action="supervision.opening_set",
        obj=protected_site,
        member_id=protected_site.site.member_id,
        before=before,
        after=[str(p) for p in rows],
    )
    from mutualis.supervision.services.devices import refresh_site_devices

    refresh_site_devices(protected_site=protected_site)
    return rows


CONTACT_FIELDS = ("position", "role", "name", "phone", "email", "delay_minutes", "is_active")


def _check_contact(contact: EscalationContact, errors: Errors) -> None:
    if not (contact.phone or contact.email):
        errors.add("phone", _("Indiquez un téléphone ou un courriel."))
    errors.full_clean(contact)


@transaction.atomic
def escalation_contact_create(*, protected_site: ProtectedSite, acting_user: User, **fields: Any) -> EscalationContact:
    """Add a contact to the site's escalation chain."""
    require_operator(acting_user)
    contact = EscalationContact(
        protected_site=protected_site, **{k: v for k, v in fields.items() if k in CONTACT_FIELDS}
    )
    errors = Errors()
    _check_contact(contact, errors)
    errors.raise_if_any()
    contact.save()
    audit_record(
        actor=acting_user,
        action="supervision.contact_create",
        obj=contact,
        member_id=protected_site.site.member_id,
        after=snapshot(contact),
    )
    return contact


@transaction.atomic
def escalation_contact_update(*, contact: EscalationContact, acting_user: User, **fields: Any) -> EscalationContact:
    """Change a contact of the escalation chain."""
    require_operator(acting_user)
    return update_audited(
        contact,
        acting_user=acting_user,
        action="supervision.contact_update",
        changes=fields,
        allowed=CONTACT_FIELDS,
        member_id=contact.protected_site.site.member_id,
        check=_check_contact,
        full_clean=False,  # _check_contact runs it, after its own rule
    )


@transaction.atomic
def escalation_contact_delete(*, contact: EscalationContact, acting_user: User) -> None:
    """Remove a contact from the chain (kept if an escalation step already called it: then deactivated)."""
    require_operator(acting_user)
    before = snapshot(contact)
    member_id = contact.protected_site.site.member_id
    if contact.steps.exists():
        contact.is_active = False
        contact.save(update_fields=["is_active", "updated_at"])
    else:
        contact.delete()
    audit_record(
        actor=acting_user,
        action="supervision.contact_delete",
        object_type="supervision.escalationcontact",
        object_id=before["id"],
        object_repr=before["name"],
        member_id=member_id,
        before=before,
    )


@transaction.atomic
def priority_rule_set(*, protected_site: ProtectedSite, kind: str, priority: int | None, acting_user: User) -> None:
    """Set (or, with None, remove) the site's priority for alarms of one kind."""
    require_operator(acting_user)
    PriorityRule.objects.filter(protected_site=protected_site, kind=kind).delete()
    if priority is not None:
        rule = PriorityRule(protected_site=protected_site, kind=kind, priority=priority)
        errors = Errors()
        errors.full_clean(rule)
        errors.raise_if_any()
        rule.save()
    audit_record(
        actor=acting_user,
        action="supervision.priority_set",
        obj=protected_site,
        member_id=protected_site.site.member_id,
        after={"kind": kind, "priority": priority},
    )


def authorisation_renewal_alerts(*, day: datetime.date | None = None) -> int:
    """Tell the supervision operators (and administrators) of each authorisation entering its four months' renewal
    notice (CSI R252-11) whose renewal is not requested yet, once; returns how many were announced."""
    from django.db.models import Q
    from django.urls import reverse

    from mutualis.accounts.choices import StaffRole
    from mutualis.accounts.models import User
    from mutualis.core.services import notify

    day = day or timezone.localdate()
    due = [
        a
        for a in Authorisation.objects.filter(
            renewal_alert_sent_on__isnull=True,
            renewal_requested_on__isnull=True,
            revoked_on__isnull=True,
            valid_until__gte=day,
        ).select_related("protected_site__site")
        if rules.renewal_due(valid_until=a.valid_until, day=day)
    ]
    if not due:
        return 0
    recipients = list(
        User.objects.filter(is_active=True).filter(
            Q(staff_role=StaffRole.SUPERVISION_OPERATOR) | Q(staff_role=StaffRole.ADMINISTRATOR)
        )
    )
    for authorisation in due:
        site = authorisation.protected_site
        notify(
            recipients=recipients,
            kind="supervision.renewal",
            title=_("Autorisation %(ref)s à renouveler avant le %(date)s (%(site)s)")
            % {
                "ref": authorisation.arrete_reference,
                "date": authorisation.valid_until.strftime("%d/%m/%Y"),
                "site": site,
            },
            url=reverse("supervision:site_detail", args=[site.pk]),
        )
        authorisation.renewal_alert_sent_on = day
        authorisation.save(update_fields=["renewal_alert_sent_on", "updated_at"])
    return len(due)
