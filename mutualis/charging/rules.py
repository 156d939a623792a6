"""Rules of French EV charging the platform must follow: identifiers of stations and charge points.

Décret n° 2017-26 du 12 janvier 2017, article 10, and the arrêté du 12 janvier 2017 « précisant les dispositions
relatives aux identifiants des unités d'exploitation pour la recharge des véhicules électriques »: every station
(« station », AFIREV *pool*) and charge point (« point de recharge », AFIREV *EVSE*) open to roaming carries an
identifier built by its operator from the operator code the AFIREV (Association française pour l'itinérance de la
recharge électrique des véhicules) gave it: « FR », three characters of operator code, then « P » for a station or
« E » for a charge point, then the operator's own id. The IRVE data published on data.gouv.fr (schéma IRVE statique
v2.3.0, fields `id_station_itinerance` and `id_pdc_itinerance`) writes them without the « * » separators, as
`^[A-Z]{2}[A-Z0-9]{4,33}$`.

Pure functions (no ORM): the services and the models' validators call them, the tests cite the texts.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# IRVE statique v2.3.0: 2 letters then 4 to 33 characters, 35 at most in all.
IRVE_ID_MAX_LENGTH = 35
_STATION_ID = re.compile(r"^FR[A-Z0-9]{3}P[A-Z0-9]{1,30}$")
_PDC_ID = re.compile(r"^FR[A-Z0-9]{3}E[A-Z0-9]{1,30}$")
_OPERATOR_PREFIX = re.compile(r"^FR[A-Z0-9]{3}$")
# OCPP-J 1.6 § 3.1.1 / 2.0.1 part 4 § 3.1.1: the identity is the last path segment of the websocket URL; 2.0.1 caps
# it at 48 characters (1.6's chargeBoxIdentity is a CiString48) and security profile 1 forbids « : » in it (it is the
# Basic auth user name). Only unreserved URL characters, so that it never needs escaping.
_OCPP_IDENTITY = re.compile(r"^[A-Za-z0-9._~-]{1,48}$")


def normalize_afirev_id(value: str) -> str:
    """An AFIREV identifier as IRVE data writes it: upper case, without the « * » (or « - », spaces) separators
    of its printed form (« FR*SYN*P0001 » → « FRSYNP0001 »)."""
    return re.sub(r"[\s*\-]", "", value or "").upper()


def operator_prefix() -> str:
    """The operator's AFIREV prefix: « FR » and the operator code the AFIREV gave it (setting
    CHARGING_AFIREV_PREFIX)."""
    prefix = normalize_afirev_id(getattr(settings, "CHARGING_AFIREV_PREFIX", "FRSYN"))
    if not _OPERATOR_PREFIX.match(prefix):
        raise ValueError(f"CHARGING_AFIREV_PREFIX must be FR and 3 letters or digits, not {prefix!r}")
    return prefix


def _check(value: str, pattern: re.Pattern[str], kind: str, example: str) -> None:
    if len(value) > IRVE_ID_MAX_LENGTH or not pattern.match(value):
        raise ValidationError(
            _(
                "Identifiant AFIREV invalide : « FR », trois caractères d'opérateur, « %(kind)s » puis au plus 30 "
                "lettres ou chiffres, sans séparateur (par exemple %(example)s)."
            )
            % {"kind": kind, "example": example},
            code="afirev_format",
        )
    prefix = operator_prefix()
    if not value.startswith(prefix):
        raise ValidationError(
            _("Cet identifiant n'est pas celui de l'opérateur : il doit commencer par %(prefix)s.")
            % {"prefix": prefix},
            code="afirev_operator",
        )


def assert_station_id(value: str) -> None:
    """Check an `id_station_itinerance`: FR, the operator's AFIREV code, « P », then its own id (décret 2017-26
    art. 10; arrêté du 12 janvier 2017 on identifiers; IRVE statique v2.3.0)."""
    _check(value, _STATION_ID, "P", f"{operator_prefix()}P78646001")


def assert_charge_point_id(value: str) -> None:
    """Check an `id_pdc_itinerance`: FR, the operator's AFIREV code, « E », then its own id (same texts)."""
    _check(value, _PDC_ID, "E", f"{operator_prefix()}E786460011")


def assert_charge_point_in_station(*, pdc_id: str, station_id: str) -> None:
    """A charge point's id and its station's id come from the same operator code (AFIREV: an EVSE belongs to the
    operator of its pool)."""
    if pdc_id[:5] != station_id[:5]:
        raise ValidationError(
            _("Le point de recharge et sa station n'ont pas le même code opérateur AFIREV."), code="afirev_mismatch"
        )


def assert_ocpp_identity(value: str) -> None:
    """Check an OCPP identity: at most 48 characters, letters, digits and « . _ ~ - » only (OCPP-J: the last URL
    segment; security profile 1: the Basic auth user name, so no « : »)."""
    if not _OCPP_IDENTITY.match(value or ""):
        raise ValidationError(
            _("Identité OCPP invalide : 1 à 48 lettres, chiffres ou « . _ ~ - », sans espace ni « : »."),
            code="ocpp_identity",
        )


def validate_station_id(value: str) -> None:
    """Model field validator for `id_station_itinerance`."""
    assert_station_id(value)


def validate_charge_point_id(value: str) -> None:
    """Model field validator for `id_pdc_itinerance`."""
    assert_charge_point_id(value)


def validate_ocpp_identity(value: str) -> None:
    """Model field validator for an OCPP identity."""
    assert_ocpp_identity(value)
