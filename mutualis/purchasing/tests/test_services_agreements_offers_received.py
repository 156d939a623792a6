"""The number of offers received at the award of a framework agreement: at least one, never fewer than the holders
recorded on its lots — checked by the service for the form and the API alike."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members.testing import rows
from mutualis.purchasing.choices import AgreementStatus
from mutualis.purchasing.models import FrameworkAgreement, Lot, LotHolder
from mutualis.purchasing.services import agreements as services
from mutualis.purchasing.tests.factories import FrameworkAgreementFactory, LotFactory, SupplierFactory, agreement_kwargs

pytestmark = pytest.mark.django_db

BELOW_HOLDERS = "Le nombre d'offres reçues ne peut être inférieur au nombre de titulaires (2)."


@pytest.fixture
def officer():
    return StaffFactory(email="acheteur@operateur.example.fr", staff_role="purchasing_officer")


@pytest.fixture
def two_holders():
    """An agreement in force whose two lots are held by two different suppliers."""
    agreement = FrameworkAgreementFactory()
    LotFactory(agreement=agreement, number=1)
    LotFactory(agreement=agreement, number=2)
    return agreement


# --- Service --------------------------------------------------------------------------------------------------


def test_offers_received_is_recorded_and_audited(officer, two_holders):
    """The number of offers is recorded at creation or later, and the audit log keeps the before and after."""
    agreement = services.agreement_create(
        acting_user=officer, **agreement_kwargs(reference="AC-2026-OFF", offers_received=4)
    )
    assert agreement.offers_received == 4
    services.agreement_update(agreement=two_holders, acting_user=officer, offers_received=2)
    two_holders.refresh_from_db()
    assert two_holders.offers_received == 2
    entry = AuditEntry.objects.filter(action="agreement.update").latest("seq")
    assert (entry.before["offers_received"], entry.after["offers_received"]) == (None, 2)


def test_zero_offers_is_refused(officer):
    """An awarded agreement received at least one offer: zero is refused in French, nothing written."""
    with pytest.raises(ValidationError) as caught:
        services.agreement_create(acting_user=officer, **agreement_kwargs(reference="AC-2026-OFF", offers_received=0))
    assert caught.value.message_dict["offers_received"] == ["Le nombre d'offres reçues est d'au moins une."]
    assert FrameworkAgreement.objects.count() == 0


def test_fewer_offers_than_holders_is_refused(officer, two_holders):
    """Every holder made an offer: fewer offers than distinct holders is refused, and the agreement is unchanged."""
    with pytest.raises(ValidationError) as caught:
        services.agreement_update(agreement=two_holders, acting_user=officer, offers_received=1)
    assert caught.value.message_dict["offers_received"] == [BELOW_HOLDERS]
    two_holders.refresh_from_db()
    assert two_holders.offers_received is None


def test_a_supplier_holding_two_lots_counts_once(officer):
    """The holders are counted once each, whatever the number of lots they hold."""
    agreement = FrameworkAgreementFactory()
    supplier = SupplierFactory()
    LotFactory(agreement=agreement, number=1, holder=supplier)
    LotFactory(agreement=agreement, number=2, holder=supplier)
    services.agreement_update(agreement=agreement, acting_user=officer, offers_received=1)
    agreement.refresh_from_db()
    assert agreement.offers_received == 1


def test_holders_beyond_the_offers_received_are_refused(officer):
    """Adding holders that would outnumber the offers received is refused on the holders field; nothing written."""
    agreement = FrameworkAgreementFactory(status=AgreementStatus.DRAFT, offers_received=2)
    lot = LotFactory(agreement=agreement, number=1)
    with pytest.raises(ValidationError) as caught:
        services.lot_create(
            agreement=agreement,
            acting_user=officer,
            number=2,
            title="Écrans",
            max_amount_ht=Decimal("1000"),
            holders=[SupplierFactory(), SupplierFactory()],
        )
    assert "3 titulaires pour 2 offre(s) reçue(s)" in caught.value.message_dict["holders"][0]
    assert Lot.objects.count() == 1
    with pytest.raises(ValidationError) as caught:
        services.lot_update(
            lot=lot, acting_user=officer, holders=[lot.lot_holders.get().supplier, SupplierFactory(), SupplierFactory()]
        )
    assert "holders" in caught.value.message_dict
    assert LotHolder.objects.filter(lot=lot).count() == 1
    # Up to the number of offers, holders are accepted.
    services.lot_update(lot=lot, acting_user=officer, holders=[lot.lot_holders.get().supplier, SupplierFactory()])
    assert LotHolder.objects.filter(lot=lot).count() == 2


# --- API and form ---------------------------------------------------------------------------------------------


def test_api_answers_400_with_the_field_error_and_changes_nothing(two_holders):
    """PATCH below the holders answers 400 with the French message on `offers_received`; nothing changes."""
    client = login_as(Client(), StaffFactory())
    url = f"/api/v1/framework-agreements/{two_holders.pk}/"
    before = rows(FrameworkAgreement.objects.all())
    for value, message in ((1, BELOW_HOLDERS), (0, "Le nombre d'offres reçues est d'au moins une.")):
        response = client.patch(url, json.dumps({"offers_received": value}), content_type="application/json")
        assert response.status_code == 400
        assert response.json()["offers_received"] == [message]
    assert rows(FrameworkAgreement.objects.all()) == before
    response = client.patch(url, json.dumps({"offers_received": 5}), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["offers_received"] == 5
    assert client.get(url).json()["offers_received"] == 5


def agreement_post(agreement, **overrides):
    return {
        "reference": agreement.reference,
        "subject": agreement.subject,
        "cpv_code": agreement.cpv_code,
        "procedure": agreement.procedure,
        "notification_date": agreement.notification_date.isoformat(),
        "start_date": agreement.start_date.isoformat(),
        "duration_months": str(agreement.duration_months),
    } | overrides


def test_form_shows_the_french_message_and_the_detail_page_the_number(two_holders):
    """The edit form answers 400 with the French message under « Nombre d'offres reçues »; a valid number is saved
    and shown on the agreement's page."""
    client = login_as(Client(), StaffFactory())
    url = reverse("purchasing:backoffice_agreement_update", args=[two_holders.pk])
    page = client.get(url).content.decode()
    assert "Nombre d&#x27;offres reçues" in page
    response = client.post(url, agreement_post(two_holders, offers_received="1"))
    assert response.status_code == 400
    assert "ne peut être inférieur au nombre de titulaires (2)." in response.content.decode()
    two_holders.refresh_from_db()
    assert two_holders.offers_received is None
    response = client.post(url, agreement_post(two_holders, offers_received="6"))
    assert response.status_code == 302
    detail = client.get(reverse("purchasing:backoffice_agreement_detail", args=[two_holders.pk])).content.decode()
    assert "<dd>6</dd>" in detail
