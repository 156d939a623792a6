"""Rules of the education app as named functions (pure, no ORM), called by the services and cited by the tests.

- Ownership (Code de l'éducation L212-4 and L213-2): the commune owns and equips its écoles, the département its
  collèges.
- Licences (the GAR's model: subscription → licences → assignments): never more assignments than licences.
- Data minimisation (RGPD art. 5.1.c; GAR's « cadre de confiance »): a publisher receives only the pseudonymous
  identifier, the profile, the class group and the UAI.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mutualis.education.choices import EstablishmentKind
from mutualis.members.choices import MemberKind
from mutualis.members.validators import UAI_LETTERS, validate_uai

# What a publisher receives for each assignment, and nothing else (RGPD art. 5.1.c).
PUBLISHER_EXPORT_FIELDS = ("resource", "pseudonym", "profile", "class_group", "uai")


def uai_key(number: str) -> str:
    """The key letter of a 7-digit UAI number: the number modulo 23 in the alphabet without I, O and Q."""
    return UAI_LETTERS[int(number) % 23]


def assert_valid_uai(value: str) -> None:
    """A UAI is 7 digits and its key letter (members.validators.validate_uai, the one check of the project)."""
    validate_uai(value)


def owner_kind_for(kind: str) -> str:
    """The kind of member that owns an établissement: the commune for an école (L212-4), the département for a
    collège (L213-2)."""
    return MemberKind.DEPARTEMENT if kind == EstablishmentKind.COLLEGE else MemberKind.COMMUNE


def assert_owner_matches(
    *,
    kind: str,
    owner_kind: str,
    owner_departement_code: str,
    owner_commune_codes: list[str],
    commune_code: str,
    departement_code: str,
) -> None:
    """The owning member is the département of the collège's commune, or the commune of the école."""
    expected = owner_kind_for(kind)
    if owner_kind != expected:
        message = (
            _("Un collège appartient à son département (Code de l'éducation, art. L213-2).")
            if kind == EstablishmentKind.COLLEGE
            else _("Une école appartient à sa commune (Code de l'éducation, art. L212-4).")
        )
        raise ValidationError({"member": message})
    if kind == EstablishmentKind.COLLEGE and owner_departement_code != departement_code:
        raise ValidationError({"member": _("Le département propriétaire doit être celui de la commune du collège.")})
    if kind == EstablishmentKind.SCHOOL and commune_code not in owner_commune_codes:
        raise ValidationError({"member": _("La commune propriétaire doit être celle de l'école.")})


def assert_licences_available(*, licences: int, assigned: int, requested: int) -> None:
    """Never more licences assigned than the subscription holds (the GAR's rule)."""
    if requested < 1:
        raise ValidationError({"licences": _("Attribuez au moins une licence.")})
    if assigned + requested > licences:
        raise ValidationError(
            {
                "licences": _(
                    "Plus assez de licences : %(free)d disponible(s) sur %(total)d, %(requested)d demandée(s)."
                )
                % {"free": max(licences - assigned, 0), "total": licences, "requested": requested}
            }
        )


# What the education loans lend: laptops, tablets, telepresence robots and robot kits.
LENDABLE_KINDS = ("laptop", "tablet", "robot")


def assert_lendable_kind(kind: str) -> None:
    """Only laptops, tablets and robots (telepresence robots, robot kits) are lent."""
    if kind not in LENDABLE_KINDS:
        raise ValidationError({"asset": _("Seuls les ordinateurs portables, tablettes et robots sont prêtés.")})


def assert_beneficiary(
    *, kind: str, reference: str, has_establishment: bool, member_kind: str, member_establishment_type: str
) -> None:
    """Who may borrow, and through whom: a pupil (by pseudonym), a teacher or a class through their établissement;
    a child in the care of the ASE through the département, which runs child welfare (CASF art. L221-1); an EHPAD
    resident through the EHPAD member."""
    from mutualis.education.choices import BeneficiaryKind

    errors: dict[str, str] = {}
    if not reference.strip():
        errors["beneficiary_reference"] = _("Indiquez le pseudonyme, le nom de l'enseignant ou le code de la classe.")
    if kind in {BeneficiaryKind.PUPIL, BeneficiaryKind.TEACHER, BeneficiaryKind.CLASS_GROUP} and not has_establishment:
        errors["establishment"] = _("Un prêt à un élève, un enseignant ou une classe passe par son établissement.")
    if kind == BeneficiaryKind.ASE_CHILD and member_kind != MemberKind.DEPARTEMENT:
        errors["beneficiary_member"] = _(
            "Un enfant confié à l'ASE reçoit le prêt par le département (CASF, art. L221-1)."
        )
    if kind == BeneficiaryKind.EHPAD_RESIDENT and member_establishment_type != "ehpad":
        errors["beneficiary_member"] = _("Un résident d'EHPAD reçoit le prêt par son EHPAD adhérent.")
    if errors:
        raise ValidationError(errors)
