import factory

from mutualis.accounts.models import User

PASSWORD = "motdepasse-de-test-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A member's user (no staff role) with the test password."""

    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"agent{n}@example.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)


class StaffFactory(UserFactory):
    """An operator staff account (administrator unless told otherwise)."""

    email = factory.Sequence(lambda n: f"staff{n}@operateur.fr")
    staff_role = "administrator"
