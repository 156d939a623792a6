"""Writes on the établissements: create, update, referents, and the import of the Annuaire de l'éducation."""

from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mutualis.accounts.types import User
from mutualis.core.services import audit_record, snapshot
from mutualis.core.validation import Errors
from mutualis.education import rules
from mutualis.education.models import Establishment
from mutualis.members.models import Member, Site
from mutualis.territory.models import Commune

FIELDS = ["uai", "name", "kind", "sector", "commune", "site", "member", "pupils", "classes", "pupils_with_disability"]
AUDITED = [
    "uai",
    "name",
    "kind",
    "sector",
    "commune_id",
    "site_id",
    "member_id",
    "pupils",
    "classes",
    "pupils_with_disability",
]


def _validate(establishment: Establishment) -> None:
    """Field checks, the owner rule (L212-4 / L213-2) and the site's member, every error at once."""
    errors = Errors()
    establishment.uai = (establishment.uai or "").strip().upper()
    establishment.name = (establishment.name or "").strip()
    errors.full_clean(establishment)
    member = establishment.member if establishment.member_id else None
    commune = establishment.commune if establishment.commune_id else None
    if member is not None and commune is not None and not errors.has("member"):
        errors.check(
            rules.assert_owner_matches,
            kind=establishment.kind,
            owner_kind=member.kind,
            owner_departement_code=member.departement.code,
            owner_commune_codes=list(member.communes.values_list("insee_code", flat=True)),
            commune_code=commune.insee_code,
            departement_code=commune.departement.code,
        )
    site = establishment.site if establishment.site_id else None
    if site is not None and member is not None and site.member_id != member.pk:
        errors.add("site", _("Le site doit appartenir à l'adhérent propriétaire."))
    errors.raise_if_any()


def establishment_create(
    *,
    acting_user: User | None,
    uai: str,
    name: str,
    kind: str,
    commune: Commune,
    member: Member,
    sector: str = "public",
    site: Site | None = None,
    pupils: int = 0,
    classes: int = 0,
    pupils_with_disability: int = 0,
) -> Establishment:
    """Record an école or a collège with a valid UAI, owned by its commune or its département."""
    establishment = Establishment(
        uai=uai,
        name=name,
        kind=kind,
        sector=sector,
        commune=commune,
        member=member,
        site=site,
        pupils=pupils,
        classes=classes,
        pupils_with_disability=pupils_with_disability,
    )
    _validate(establishment)
    with transaction.atomic():
        establishment.save()
        audit_record(
            actor=acting_user,
            action="education.establishment_create",
            obj=establishment,
            member_id=establishment.member_id,
            after=snapshot(establishment, AUDITED),
        )
    return establishment


def establishment_update(*, establishment: Establishment, acting_user: User | None, **fields: Any) -> Establishment:
    """Change an établissement's fields (the same checks as at creation)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"establishment_update: unknown fields {sorted(unknown)}")
    before = snapshot(establishment, AUDITED)
    for name, value in fields.items():
        setattr(establishment, name, value)
    _validate(establishment)
    with transaction.atomic():
        establishment.save()
        audit_record(
            actor=acting_user,
            action="education.establishment_update",
            obj=establishment,
            member_id=establishment.member_id,
            before=before,
            after=snapshot(establishment, AUDITED),
        )
    return establishment


def referent_add(*, establishment: Establishment, user: User, acting_user: User) -> Establishment:
    """Make an active account a referent of the établissement (it then assigns the établissement's licences)."""
    if not user.is_active:
        raise_error("user", _("Ce compte est désactivé."))
    if user.is_operator_staff:
        raise_error("user", _("Un référent est un compte d'établissement, pas un compte de l'opérateur."))
    with transaction.atomic():
        establishment.referents.add(user)
        audit_record(
            actor=acting_user,
            action="education.referent_add",
            obj=establishment,
            member_id=establishment.member_id,
            after={"referent": user.email},
        )
    return establishment


def referent_remove(*, establishment: Establishment, user: User, acting_user: User) -> Establishment:
    """Withdraw a referent from the établissement."""
    with transaction.atomic():
        establishment.referents.remove(user)
        audit_record(
            actor=acting_user,
            action="education.referent_remove",
            obj=establishment,
            member_id=establishment.member_id,
            before={"referent": user.email},
        )
    return establishment


def raise_error(field: str | None, message: Any) -> NoReturn:
    """Raise one error, on a field or the whole form (None): services speak ValidationError."""
    errors = Errors()
    errors.add(field, message)
    raise ValidationError(errors.by_field)
