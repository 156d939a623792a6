"""Rules of the federation: multi-factor from `amr`, SIRET check and its SIREN."""

import pytest

from mutualis.proconnect import rules


@pytest.mark.parametrize(
    ("amr", "expected"),
    [
        (["pwd", "mfa"], True),
        (["mfa"], True),
        (["pwd", "otp"], True),
        (["pwd"], False),
        (["otp"], False),
        ([], False),
        (None, False),
    ],
)
def test_amr_is_multi_factor(amr, expected):
    """RFC 8176 §2: "mfa", or methods of two different kinds of factor, say multi-factor authentication."""
    assert rules.amr_is_multi_factor(amr) is expected


def test_siret_is_luhn_checked():
    """INSEE: a SIRET is 14 digits with a valid Luhn key (python-stdnum); a wrong key or length is refused."""
    assert rules.siret_is_valid("13002526500013")
    assert not rules.siret_is_valid("13002526500014")
    assert not rules.siret_is_valid("1300252650001")


def test_siren_is_the_first_nine_digits_of_the_siret():
    """INSEE: SIRET = SIREN (9 digits) + NIC (5 digits)."""
    assert rules.siren_of_siret("130 025 265 00013") == "130025265"
