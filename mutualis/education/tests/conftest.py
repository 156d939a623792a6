import pytest

from mutualis.accounts.tests.factories import StaffFactory, UserFactory
from mutualis.education.tests.factories import EstablishmentFactory, college, departement_member
from mutualis.members.tests.factories import MembershipFactory


@pytest.fixture
def edu(world):
    """The world plus: an école of Versailles (member A) with its referent, a collège of the Yvelines owned by the
    département (with a reader), an education officer and a purchasing officer."""
    world.school = EstablishmentFactory(member=world.member_a, name="École Jules-Ferry", site=world.site_a)
    world.referent = UserFactory(email="referent@ecole.example.fr", first_name="Rémi", last_name="Férent")
    world.school.referents.add(world.referent)
    world.departement = departement_member("78")
    world.college = college(member=world.departement, name="Collège Hoche")
    world.dep_reader = UserFactory(email="lecteur@yvelines.example.fr")
    MembershipFactory(user=world.dep_reader, member=world.departement, role="reader")
    world.officer = StaffFactory(email="education@operateur.example.fr", staff_role="education_officer")
    world.buyer = StaffFactory(email="achats@operateur.example.fr", staff_role="purchasing_officer")
    world.users["referent"] = world.referent
    return world
