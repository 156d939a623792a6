"""`manage.py load_demo_education`: the demo's collèges and écoles with valid UAI in real communes, owned by the
demo départements and communes; resources, subscriptions and assignments; the four projects; loans in progress
and overdue; an inclusion programme and a crisis campaign; a referent to try it; idempotent."""

import io

import pytest
from django.core.management import call_command

from mutualis.accounts.models import User
from mutualis.education.models import (
    Application,
    Assignment,
    CrisisCampaign,
    Establishment,
    InclusionProgramme,
    Loan,
    ProjectCall,
    Resource,
    Subscription,
)
from mutualis.education.rules import assert_valid_uai
from mutualis.education.selectors.loans import overdue_list
from mutualis.members.management.commands import load_demo

pytestmark = pytest.mark.django_db
MODELS = (Establishment, Resource, Subscription, Assignment, Loan, ProjectCall, Application, CrisisCampaign)


def counts():
    return tuple(model.objects.count() for model in MODELS)


def test_the_education_demo_is_complete_and_idempotent(territory, monkeypatch):
    """Everything the issue lists is there after one run; a second run adds nothing."""
    monkeypatch.setattr(load_demo, "DEMO_STEPS", ["load_demo_education"])
    call_command("load_demo", stdout=io.StringIO())
    first = counts()
    call_command("load_demo_education", stdout=io.StringIO())
    assert counts() == first
    for establishment in Establishment.objects.select_related("member", "commune"):
        assert_valid_uai(establishment.uai)
        expected = "departement" if establishment.kind == "college" else "commune"
        assert establishment.member.kind == expected
    assert {"78", "92"} == set(
        Establishment.objects.filter(kind="college").values_list("commune__departement__code", flat=True)
    )
    assert Establishment.objects.filter(kind="ecole").exists()
    assert {r.publisher for r in Resource.objects.all()} == {"Enseigno", "Playbac Presse", "Madmagz"}
    assert Assignment.objects.exists()
    for subscription in Subscription.objects.all():
        assert sum(subscription.assignments.values_list("licences", flat=True)) <= subscription.licences
    assert set(ProjectCall.objects.values_list("title", flat=True)) == {
        "Robotyc",
        "Sur les chemins de l'école",
        "Défi'Bot",
        "Imagine ton collège",
    }
    assert ProjectCall.objects.get(title="Robotyc").theme == "Le robot écolo : trieur de déchets"
    assert Application.objects.filter(status="selected").exists()
    admin = User.objects.get(email="admin@demo.mutualis.fr")
    assert Loan.objects.filter(status="ongoing").exists() and overdue_list(user=admin).exists()
    assert InclusionProgramme.objects.exists()
    campaign = CrisisCampaign.objects.get()
    assert campaign.beneficiaries.filter(loan__isnull=False).count() == campaign.quantity
    referent = User.objects.get(email="gestionnaire.college@demo.mutualis.fr")
    assert Establishment.objects.filter(referents=referent, name="Collège Les Tilleuls (fictif)").exists()
