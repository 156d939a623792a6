"""SIREN / SIRET validation with python-stdnum (Luhn check), with French messages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret


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
