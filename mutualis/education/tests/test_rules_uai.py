"""The UAI check (the mod-23 key letter) and the ownership rule, by property and by example."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from mutualis.education import rules
from mutualis.education.choices import EstablishmentKind
from mutualis.members.choices import MemberKind

LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
numbers = st.integers(min_value=0, max_value=9_999_999).map(lambda n: f"{n:07d}")


@given(numbers)
def test_every_number_with_its_key_letter_is_a_valid_uai(number):
    """A UAI is 7 digits followed by the letter of rank (number mod 23) in ABCDEFGHJKLMNPRSTUVWXYZ."""
    uai = number + LETTERS[int(number) % 23]
    rules.assert_valid_uai(uai)
    rules.assert_valid_uai(uai.lower())  # typed in lower case, still the same code


@given(numbers, st.sampled_from(LETTERS))
def test_any_other_letter_is_refused_with_a_french_message(number, letter):
    """Every letter but the key letter is refused, with a message saying what a UAI looks like."""
    if letter == LETTERS[int(number) % 23]:
        return
    with pytest.raises(ValidationError) as caught:
        rules.assert_valid_uai(number + letter)
    assert "Code UAI invalide" in caught.value.messages[0]


@given(st.text(max_size=12))
def test_text_that_is_not_seven_digits_and_a_letter_is_refused(text):
    """Anything but 7 ASCII digits and one letter is never a UAI."""
    if len(text) == 8 and text[:7].isascii() and text[:7].isdigit() and text[7].upper() in LETTERS:
        return
    with pytest.raises(ValidationError):
        rules.assert_valid_uai(text)


def test_known_uai_of_the_directory():
    """Real codes of the Annuaire de l'éducation pass (0921921N, a former Courbevoie lycée; 0780001 → key)."""
    rules.assert_valid_uai("0921921N")
    assert rules.uai_key("0921921") == "N"


@pytest.mark.parametrize(
    ("kind", "owner"),
    [(EstablishmentKind.COLLEGE, MemberKind.DEPARTEMENT), (EstablishmentKind.SCHOOL, MemberKind.COMMUNE)],
)
def test_owner_kind_follows_the_code_de_l_education(kind, owner):
    """Code de l'éducation L213-2: the département owns the collèges; L212-4: the commune owns its écoles."""
    assert rules.owner_kind_for(kind) == owner


def test_a_collège_owned_by_a_commune_is_refused():
    """Code de l'éducation L213-2: a collège's owner is its département, not a commune."""
    with pytest.raises(ValidationError) as caught:
        rules.assert_owner_matches(
            kind=EstablishmentKind.COLLEGE,
            owner_kind=MemberKind.COMMUNE,
            owner_departement_code="78",
            owner_commune_codes=["78646"],
            commune_code="78646",
            departement_code="78",
        )
    assert "L213-2" in caught.value.message_dict["member"][0]


def test_an_école_owned_by_another_commune_is_refused():
    """Code de l'éducation L212-4: an école belongs to the commune where it stands."""
    with pytest.raises(ValidationError):
        rules.assert_owner_matches(
            kind=EstablishmentKind.SCHOOL,
            owner_kind=MemberKind.COMMUNE,
            owner_departement_code="92",
            owner_commune_codes=["92012"],
            commune_code="78646",
            departement_code="78",
        )


def test_licences_are_never_exceeded():
    """The GAR's rule: assignments never pass the subscription's licences; the message says how many are left."""
    rules.assert_licences_available(licences=30, assigned=25, requested=5)
    with pytest.raises(ValidationError) as caught:
        rules.assert_licences_available(licences=30, assigned=25, requested=6)
    assert "5 disponible(s) sur 30" in caught.value.message_dict["licences"][0]
