"""Habilitations: naming who may see a protected site's images and alarms."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, snapshot
from mutualis.core.validation import Errors
from mutualis.supervision import rules
from mutualis.supervision.choices import COMMUNE_BOUND_KINDS, HabilitationKind
from mutualis.supervision.models import Habilitation, ProtectedSite
from mutualis.supervision.services.common import require_operator
from mutualis.territory.models import Commune


@transaction.atomic
def habilitation_grant(
    *,
    protected_site: ProtectedSite,
    user: User,
    kind: str,
    acting_user: User,
    can_view_images: bool = True,
    commune: Commune | None = None,
    agrement_reference: str = "",
    agrement_expires_on: datetime.date | None = None,
) -> Habilitation:
    """Habilitate a named user for a site: operators must be operator staff; municipal police and mayors only for
    their own commune; the municipal police need an agrément in force."""
    require_operator(acting_user)
    habilitation = Habilitation(
        protected_site=protected_site,
        user=user,
        kind=kind,
        can_view_images=can_view_images,
        commune=commune,
        agrement_reference=agrement_reference.strip(),
        agrement_expires_on=agrement_expires_on,
        granted_by=acting_user,
    )
    errors = Errors()
    errors.full_clean(habilitation)
    if kind == HabilitationKind.OPERATOR and not user.is_operator_staff:
        errors.add("user", _("Seul le personnel de l'opérateur peut être habilité comme opérateur."))
    if kind in COMMUNE_BOUND_KINDS:
        if commune is None:
            errors.add("commune", _("Indiquez la commune pour laquelle cette personne agit."))
        elif not rules.commune_bound_allowed(
            commune_bound=True, holder_commune_id=commune.pk, site_commune_id=protected_site.site.commune_id
        ):
            errors.add(
                "commune", _("La police municipale et le maire ne sont habilités que pour les sites de leur commune.")
            )
    needs_agrement = kind == HabilitationKind.MUNICIPAL_POLICE
    if not rules.habilitation_active(
        revoked=False, agrement_expires_on=agrement_expires_on, needs_agrement=needs_agrement, day=timezone.localdate()
    ):
        errors.add("agrement_expires_on", _("Un agrément en cours de validité est nécessaire."))
    if Habilitation.objects.filter(protected_site=protected_site, user=user, revoked_at__isnull=True).exists():
        errors.add("user", _("Cette personne est déjà habilitée pour ce site."))
    errors.raise_if_any()
    habilitation.save()
    audit_record(
        actor=acting_user,
        action="supervision.habilitation_grant",
        obj=habilitation,
        member_id=protected_site.site.member_id,
        after=snapshot(habilitation),
    )
    return habilitation


@transaction.atomic
def habilitation_revoke(*, habilitation: Habilitation, acting_user: User, reason: str = "") -> Habilitation:
    """Withdraw a habilitation at once (kept, dated, for the register)."""
    require_operator(acting_user)
    habilitation = Habilitation.objects.select_for_update().get(pk=habilitation.pk)
    if habilitation.revoked_at is None:
        before = snapshot(habilitation)
        habilitation.revoked_at = timezone.now()
        habilitation.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=acting_user,
            action="supervision.habilitation_revoke",
            obj=habilitation,
            member_id=habilitation.protected_site.site.member_id,
            before=before,
            after=snapshot(habilitation),
            reason=reason,
        )
    return habilitation
