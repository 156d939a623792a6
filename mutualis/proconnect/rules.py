"""Rules of the ProConnect federation and of the identifiers it gives, as named functions."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from mutualis.members.validators import compact_number, validate_siret

# RFC 8176 §2: authentication method reference values, by kind of factor.
KNOWLEDGE = {"pwd", "pin", "kba"}
POSSESSION = {"otp", "sms", "tel", "hwk", "swk", "sc", "pop", "mca", "user"}
INHERENCE = {"fpt", "face", "iris", "retina", "vbm", "bio", "geo"}


def amr_is_multi_factor(amr: Iterable[str] | None) -> bool:
    """RFC 8176 §2: "mfa" says multiple-factor authentication was done; so do methods of two different kinds of
    factor (something known, something held, something one is)."""
    methods = set(amr or [])
    if "mfa" in methods:
        return True
    kinds = [bool(methods & KNOWLEDGE), bool(methods & POSSESSION), bool(methods & INHERENCE)]
    return sum(kinds) >= 2


def siret_is_valid(siret: str) -> bool:
    """A SIRET is 14 digits whose Luhn key is right (INSEE; checked by python-stdnum, as the members' SIRETs)."""
    try:
        validate_siret(compact_number(siret))
    except ValidationError:
        return False
    return True


def siren_of_siret(siret: str) -> str:
    """The SIREN of an establishment is the first nine digits of its SIRET (INSEE: SIRET = SIREN + NIC)."""
    return compact_number(siret)[:9]
