"""SIREN / SIRET validation with python-stdnum (Luhn check), UAI check (mod-23 letter), with French messages."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret

# The UAI key letter: the 7-digit number modulo 23, in an alphabet without I, O and Q.
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
UAI_PATTERN = re.compile(r"^\d{7}[A-Z]$")


def compact_number(value: str | None) -> str:
    """Digits as typed, without spaces, dots or dashes ("227 806 460" → "227806460")."""
    return siret.compact(value or "")


def validate_siren(value: str) -> None:
    """A SIREN is 9 digits with a valid Luhn key."""
    try:
        siren.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("SIREN invalide : 9 chiffres avec une clé de contrôle correcte."), code="siren"
        ) from exc


def validate_siret(value: str) -> None:
    """A SIRET is 14 digits (SIREN + NIC) with a valid Luhn key."""
    try:
        siret.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("SIRET invalide : 14 chiffres avec une clé de contrôle correcte."), code="siret"
        ) from exc


def validate_uai(value: str) -> None:
    """A UAI (school identifier) is 7 digits and a key letter: the number modulo 23 in UAI_LETTERS."""
    value = (value or "").upper()
    if not UAI_PATTERN.match(value) or UAI_LETTERS[int(value[:7]) % 23] != value[7]:
        raise ValidationError(
            _("Code UAI invalide : 7 chiffres suivis de la lettre clé (par ex. 0780001C)."), code="uai"
        )
