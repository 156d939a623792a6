"""Établissements: created with a valid UAI by their rightful owner; bad input refused with nothing written."""

import pytest
from django.core.exceptions import ValidationError

from mutualis.core.models import AuditEntry
from mutualis.education.models import Establishment
from mutualis.education.services import establishments as services
from mutualis.education.tests.factories import valid_uai
from mutualis.members.tests.factories import commune

pytestmark = pytest.mark.django_db


def test_an_école_is_created_with_its_commune_as_owner_and_audited(edu):
    """An école of Versailles owned by the commune is recorded, its UAI upper-cased, with an audit entry."""
    uai = valid_uai(7815555).lower()
    school = services.establishment_create(
        acting_user=edu.officer,
        uai=uai,
        name=" École du Parc ",
        kind="ecole",
        commune=commune("78646"),
        member=edu.member_a,
        pupils=180,
        classes=7,
    )
    assert school.uai == uai.upper() and school.name == "École du Parc"
    assert AuditEntry.objects.filter(action="education.establishment_create", object_id=str(school.pk)).exists()


def test_an_invalid_uai_is_refused_in_french_and_nothing_is_written(edu):
    """A UAI whose key letter is wrong is refused with the directory's format in the message; no row is written."""
    before = Establishment.objects.count()
    number = "0781234"
    wrong = "A" if valid_uai(int(number))[-1] != "A" else "B"
    with pytest.raises(ValidationError) as caught:
        services.establishment_create(
            acting_user=edu.officer,
            uai=number + wrong,
            name="École",
            kind="ecole",
            commune=commune("78646"),
            member=edu.member_a,
        )
    assert "Code UAI invalide" in caught.value.message_dict["uai"][0]
    assert Establishment.objects.count() == before


def test_a_duplicate_uai_is_refused(edu):
    """Two établissements never share a UAI."""
    with pytest.raises(ValidationError) as caught:
        services.establishment_create(
            acting_user=edu.officer,
            uai=edu.school.uai,
            name="Doublon",
            kind="ecole",
            commune=commune("78646"),
            member=edu.member_a,
        )
    assert "existe déjà" in caught.value.message_dict["uai"][0]


def test_a_collège_must_belong_to_its_département(edu):
    """Code de l'éducation L213-2: a collège given to a commune is refused."""
    with pytest.raises(ValidationError) as caught:
        services.establishment_create(
            acting_user=edu.officer,
            uai=valid_uai(7815556),
            name="Collège",
            kind="college",
            commune=commune("78646"),
            member=edu.member_a,
        )
    assert "L213-2" in caught.value.message_dict["member"][0]


def test_the_site_must_be_the_owner_s(edu):
    """An établissement's site is one of its owner's sites."""
    with pytest.raises(ValidationError) as caught:
        services.establishment_update(establishment=edu.school, acting_user=edu.officer, site=edu.site_b)
    assert "site" in caught.value.message_dict
    edu.school.refresh_from_db()
    assert edu.school.site == edu.site_a


def test_a_referent_is_added_and_removed_with_audit(edu):
    """Referents are added and removed by the operator, each step audited."""
    services.referent_add(establishment=edu.college, user=edu.reader, acting_user=edu.officer)
    assert edu.college.referents.filter(pk=edu.reader.pk).exists()
    services.referent_remove(establishment=edu.college, user=edu.reader, acting_user=edu.officer)
    assert not edu.college.referents.exists()
    assert AuditEntry.objects.filter(action__in=["education.referent_add", "education.referent_remove"]).count() == 2


def test_a_staff_account_cannot_be_a_referent(edu):
    """A referent speaks for the établissement: an operator account is refused."""
    with pytest.raises(ValidationError):
        services.referent_add(establishment=edu.college, user=edu.buyer, acting_user=edu.officer)
    assert not edu.college.referents.exists()
