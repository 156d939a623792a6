"""Writes on the ENT resources, the GAR way: resources, subscriptions per établissement, licences assigned to
pupils, teachers or class groups — never more than the subscription holds, also when two referents assign at once."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, snapshot, update_audited
from mutualis.core.validation import Errors
from mutualis.education import rules
from mutualis.education.choices import TARGET_PROFILE, AssignmentTarget
from mutualis.education.models import Assignment, Establishment, Resource, Subscription
from mutualis.purchasing.choices import OrderStatus

# A paid subscription points at an order that went (or is going) through: not a draft nor a refused one.
ORDER_REFUSED = {OrderStatus.DRAFT, OrderStatus.REJECTED, OrderStatus.CANCELLED}
RESOURCE_FIELDS = ["publisher", "title", "description", "audience", "is_active"]
SUBSCRIPTION_FIELDS = ["starts_on", "ends_on", "licences", "paid", "order_id"]


def resource_create(
    *,
    acting_user: User,
    publisher: str,
    title: str,
    description: str = "",
    audience: str = "all",
    is_active: bool = True,
) -> Resource:
    """Add a resource to the ENT's catalogue."""
    resource = Resource(
        publisher=publisher.strip(),
        title=title.strip(),
        description=description.strip(),
        audience=audience,
        is_active=is_active,
    )
    resource.full_clean()
    with transaction.atomic():
        resource.save()
        audit_record(
            actor=acting_user,
            action="education.resource_create",
            obj=resource,
            after=snapshot(resource, RESOURCE_FIELDS),
        )
    return resource


def resource_update(*, resource: Resource, acting_user: User, **fields: Any) -> Resource:
    """Change a resource of the catalogue."""
    return update_audited(
        resource,
        acting_user=acting_user,
        action="education.resource_update",
        changes={name: value.strip() if isinstance(value, str) else value for name, value in fields.items()},
        allowed=RESOURCE_FIELDS,
        audit_fields=RESOURCE_FIELDS,
    )


def _check_subscription(subscription: Subscription, errors: Errors) -> None:
    errors.full_clean(subscription)
    order = subscription.order
    if subscription.paid and order is None:
        errors.add(
            "order", _("Un abonnement payant est commandé par la centrale d'achat : indiquez son bon de commande.")
        )
    if order is not None:
        if order.member_id != subscription.establishment.member_id:
            errors.add("order", _("Le bon de commande doit être celui de l'adhérent propriétaire de l'établissement."))
        elif order.status in ORDER_REFUSED:
            errors.add(
                "order",
                _("Ce bon de commande est « %(status)s » : il ne peut pas payer l'abonnement.")
                % {"status": order.get_status_display()},
            )


def subscription_create(
    *,
    establishment: Establishment,
    resource: Resource,
    starts_on: datetime.date,
    ends_on: datetime.date,
    licences: int,
    acting_user: User,
    paid: bool = False,
    order: Any = None,
) -> Subscription:
    """Subscribe an établissement to a resource for a period and a number of licences (a paid one with the
    purchasing order that buys it)."""
    subscription = Subscription(
        establishment=establishment,
        resource=resource,
        starts_on=starts_on,
        ends_on=ends_on,
        licences=licences,
        paid=paid or order is not None,
        order=order,
    )
    errors = Errors()
    if not resource.is_active:
        errors.add("resource", _("Cette ressource n'est plus proposée."))
    _check_subscription(subscription, errors)
    errors.raise_if_any()
    with transaction.atomic():
        subscription.save()
        audit_record(
            actor=acting_user,
            action="education.subscription_create",
            obj=subscription,
            member_id=establishment.member_id,
            after=snapshot(subscription, SUBSCRIPTION_FIELDS),
        )
    return subscription


def subscription_update(*, subscription: Subscription, acting_user: User, **fields: Any) -> Subscription:
    """Change a subscription's period, licences or order; the licences never fall below those assigned."""

    def check(row: Subscription, errors: Errors) -> None:
        _check_subscription(row, errors)
        assigned = _assigned(row)
        if row.licences is not None and row.licences < assigned:
            errors.add(
                "licences",
                _("%(n)d licences sont déjà attribuées : retirez-en avant de réduire l'abonnement.") % {"n": assigned},
            )

    return update_audited(
        subscription,
        acting_user=acting_user,
        action="education.subscription_update",
        changes=fields,
        allowed={"starts_on", "ends_on", "licences", "paid", "order"},
        member_id=subscription.establishment.member_id,
        audit_fields=SUBSCRIPTION_FIELDS,
        check=check,
        full_clean=False,  # _check_subscription runs it
    )


def _assigned(subscription: Subscription) -> int:
    return Assignment.objects.filter(subscription=subscription).aggregate(n=Coalesce(Sum("licences"), 0))["n"]


def assignment_create(
    *,
    subscription: Subscription,
    target: str,
    acting_user: User,
    pseudonym: str = "",
    class_group: str = "",
    licences: int = 1,
    today: datetime.date | None = None,
) -> Assignment:
    """Give licences of a subscription: 1 to a pupil or a teacher (by pseudonym), or one per pupil to a class group.
    The subscription's row is locked, so two referents assigning at once cannot pass its licences together."""
    today = today or timezone.localdate()
    pseudonym, class_group = pseudonym.strip(), class_group.strip().upper()
    errors = Errors()
    if target == AssignmentTarget.CLASS_GROUP:
        pseudonym = ""
        if not class_group:
            errors.add("class_group", _("Indiquez la classe."))
    else:
        licences = 1
        if not pseudonym:
            errors.add("pseudonym", _("Indiquez l'identifiant pseudonyme donné par l'ENT (jamais le nom)."))
    with transaction.atomic():
        # Why the lock: the check below reads the licences already assigned; without it two assignments could
        # both read the same count and together pass the subscription's licences (PostgreSQL; SQLite serialises).
        locked = Subscription.objects.select_for_update().select_related("establishment").get(pk=subscription.pk)
        if not (locked.starts_on <= today <= locked.ends_on):
            errors.add(
                None,
                _("L'abonnement n'est pas en cours (du %(start)s au %(end)s).")
                % {"start": locked.starts_on.strftime("%d/%m/%Y"), "end": locked.ends_on.strftime("%d/%m/%Y")},
            )
        assignment = Assignment(
            subscription=locked,
            target=target,
            pseudonym=pseudonym,
            class_group=class_group,
            licences=licences,
            profile=TARGET_PROFILE.get(target, ""),
            assigned_by=acting_user,
        )
        errors.full_clean(assignment)
        if not errors.has("licences"):
            errors.check(
                rules.assert_licences_available,
                licences=locked.licences,
                assigned=_assigned(locked),
                requested=licences,
            )
        errors.raise_if_any()
        assignment.save()
        audit_record(
            actor=acting_user,
            action="education.assignment_create",
            obj=assignment,
            member_id=locked.establishment.member_id,
            after={"subscription": locked.pk, "target": target, "licences": licences, "class_group": class_group},
        )
    return assignment


def assignment_revoke(*, assignment: Assignment, acting_user: User) -> None:
    """Take licences back (a pupil who left, a class that no longer uses the resource)."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update().select_related("establishment").get(pk=assignment.subscription_id)
        )
        audit_record(
            actor=acting_user,
            action="education.assignment_revoke",
            obj=assignment,
            member_id=subscription.establishment.member_id,
            before={
                "subscription": subscription.pk,
                "target": assignment.target,
                "licences": assignment.licences,
                "class_group": assignment.class_group,
            },
        )
        assignment.delete()
