"""Validation of purchasing identifiers: CPV codes and IBAN, with French messages."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import iban
from stdnum.exceptions import ValidationError as StdnumError

# The CPV control digit's algorithm is not published with the nomenclature (Regulation (EC) 213/2008), so only the
# shape is checked here.
CPV_RE = re.compile(r"^\d{8}-\d$")


def validate_cpv(value: str) -> None:
    """A CPV code is 8 digits, a hyphen and its control digit (e.g. 30213200-7)."""
    if not CPV_RE.match(value or ""):
        raise ValidationError(
            _("Code CPV invalide : 8 chiffres, un tiret et le chiffre de contrôle (ex. 30213200-7)."), code="cpv"
        )


def validate_iban(value: str) -> None:
    """An IBAN with a valid checksum."""
    try:
        iban.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("IBAN invalide."), code="iban") from exc
