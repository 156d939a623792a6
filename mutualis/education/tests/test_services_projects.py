"""Educational projects: collèges of both départements apply, selection within capacity with notification, the
kit lent through the loan service, the year-end outcome."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mutualis.assets.tests.factories import AssetFactory
from mutualis.core.models import Notification
from mutualis.education.models import Application
from mutualis.education.services import projects as services
from mutualis.education.tests.factories import ProjectCallFactory, college, departement_member
from mutualis.members.tests.factories import commune

pytestmark = pytest.mark.django_db


def apply(call, establishment, user, class_name="3E B", **kwargs):
    return services.application_submit(
        call=call,
        establishment=establishment,
        class_name=class_name,
        teacher_name="Mme Lefèvre",
        motivation="Une classe motivée.",
        acting_user=user,
        **kwargs,
    )


@pytest.fixture
def two_departements(edu):
    """A collège in the Hauts-de-Seine too, with its referent."""
    commune("92012")
    edu.college92 = college(member=departement_member("92"), commune_code="92012", name="Collège Seine")
    edu.college.referents.add(edu.referent)
    edu.college92.referents.add(edu.other_member)
    return edu


def test_collèges_of_both_départements_apply_alike(two_departements):
    """A collège of the Yvelines and one of the Hauts-de-Seine apply to the same call; an école cannot."""
    world = two_departements
    call = ProjectCallFactory()
    apply(call, world.college, world.referent)
    apply(call, world.college92, world.other_member)
    with pytest.raises(ValidationError) as caught:
        apply(call, world.school, world.referent)
    assert "collèges seulement" in caught.value.message_dict["establishment"][0]
    assert Application.objects.filter(call=call).count() == 2


def test_applications_only_while_the_call_is_open(two_departements):
    """After the closing date the application is refused, nothing written."""
    call = ProjectCallFactory(
        closes_on=datetime.date.today() - datetime.timedelta(days=1),
        opens_on=datetime.date.today() - datetime.timedelta(days=30),
    )
    with pytest.raises(ValidationError):
        apply(call, two_departements.college, two_departements.referent)
    assert not Application.objects.exists()


def test_selection_stays_within_capacity_and_notifies_the_referents(two_departements):
    """Two places: the third selection is refused; each decision notifies the collège's referents."""
    world = two_departements
    call = ProjectCallFactory(capacity=2)
    first = apply(call, world.college, world.referent, "3E A")
    second = apply(call, world.college92, world.other_member)
    third = apply(call, world.college, world.referent, "3E C")
    services.application_decide(application=first, to_status="selected", acting_user=world.officer)
    services.application_decide(application=second, to_status="selected", acting_user=world.officer)
    with pytest.raises(ValidationError) as caught:
        services.application_decide(application=third, to_status="selected", acting_user=world.officer)
    assert "2 places" in caught.value.message_dict["to_status"][0]
    assert Application.objects.get(pk=third.pk).status == "submitted"
    titles = list(Notification.objects.filter(recipient=world.referent).values_list("title", flat=True))
    assert any("3E A est retenue" in title for title in titles)


def test_the_kit_is_lent_to_a_selected_class_only_through_the_loan_service(two_departements):
    """A submitted class gets no kit; a selected one gets the robot kit, which becomes « lent »."""
    world = two_departements
    call = ProjectCallFactory()
    application = apply(call, world.college, world.referent)
    kit = AssetFactory(member=world.departement, kind="robot", serial_number="KIT-01")
    with pytest.raises(ValidationError):
        services.application_kit_loan(application=application, asset=kit, acting_user=world.officer)
    services.application_decide(application=application, to_status="selected", acting_user=world.officer)
    tablet = AssetFactory(member=world.departement, kind="tablet")
    with pytest.raises(ValidationError):
        services.application_kit_loan(application=application, asset=tablet, acting_user=world.officer)
    loan = services.application_kit_loan(application=application, asset=kit, acting_user=world.officer)
    kit.refresh_from_db()
    assert kit.status == "lent" and loan.beneficiary_kind == "class_group" and loan.application == application


def test_the_outcome_is_for_selected_classes(two_departements):
    """Only a selected class has a year-end outcome."""
    world = two_departements
    application = apply(ProjectCallFactory(), world.college, world.referent)
    with pytest.raises(ValidationError):
        services.application_outcome(application=application, outcome="Bilan", acting_user=world.referent)
    services.application_decide(application=application, to_status="selected", acting_user=world.officer)
    services.application_outcome(
        application=application, outcome="Robot fini, présenté au salon.", acting_user=world.referent
    )
    assert Application.objects.get(pk=application.pk).outcome.startswith("Robot fini")
