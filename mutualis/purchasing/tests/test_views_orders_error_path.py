"""Pages that go through core's one form → service → errors path: the service's French message on the page with
400 and nothing written; the service-fait form proposes the last delivery's date (issue 11, defect 9)."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse

from mutualis.core.testing import login_as
from mutualis.members.testing import rows
from mutualis.purchasing.choices import AgreementStatus
from mutualis.purchasing.models import CatalogueItem, FrameworkAgreement
from mutualis.purchasing.services.deliveries import delivery_record
from mutualis.purchasing.tests.builders import sent_order
from mutualis.purchasing.tests.factories import FrameworkAgreementFactory, LotFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def client_for(user):
    client = Client()
    login_as(client, user)
    return client


def test_service_fait_form_proposes_the_last_delivery_date(world):
    """Delivered in two parts, 12 then 5 days ago: the execution date field is filled with the later date."""
    order = sent_order(world, tablets=2)
    line = order.lines.get()
    for days, serial in ((12, "SN-1"), (5, "SN-2")):
        delivery_record(
            order=order,
            delivered_on=TODAY - datetime.timedelta(days=days),
            lines=[{"order_line": line, "quantity": 1, "serial_numbers": [serial]}],
            acting_user=world.agent,
        )
    last = (TODAY - datetime.timedelta(days=5)).isoformat()
    response = client_for(world.agent).get(reverse("purchasing:service_certify", args=[order.pk]))
    assert response.status_code == 200
    assert response.context["form"]["execution_date"].value() == TODAY - datetime.timedelta(days=5)
    page = response.content.decode()
    assert f'name="execution_date" value="{last}"' in page
    assert "dernière le" in page


def test_activating_an_agreement_without_lot_says_why_with_400(world):
    """The service's reason comes back on the confirmation page with 400; the agreement stays in preparation."""
    agreement = FrameworkAgreementFactory(status=AgreementStatus.DRAFT)
    before = rows(FrameworkAgreement.objects.all())
    response = client_for(world.staff).post(reverse("purchasing:backoffice_agreement_activate", args=[agreement.pk]))
    assert response.status_code == 400
    assert "Ajoutez au moins un lot avant de mettre l&#x27;accord-cadre en vigueur." in response.content.decode()
    assert rows(FrameworkAgreement.objects.all()) == before


def test_bpu_confirmation_refused_shows_the_report_with_400(world):
    """Prices from before the agreement's start pass the preview but not the import: the confirmation answers 400
    with the report's reason, imports nothing and drops the upload."""
    lot = LotFactory()
    client = client_for(world.staff)
    upload = io.BytesIO("référence;désignation;catégorie;prix unitaire HT\nA-1;Tablette;tablet;299,90\n".encode())
    upload.name = "bpu.csv"
    early = lot.agreement.start_date - datetime.timedelta(days=1)
    preview = client.post(
        reverse("purchasing:backoffice_bpu_import", args=[lot.pk]), {"file": upload, "price_from": early.isoformat()}
    )
    assert preview.status_code == 200
    confirm = reverse("purchasing:backoffice_bpu_confirm", args=[lot.pk])
    response = client.post(confirm, {"token": preview.context["token"]})
    assert response.status_code == 400
    assert "La date d&#x27;effet précède le début d&#x27;exécution de l&#x27;accord-cadre." in response.content.decode()
    assert CatalogueItem.objects.count() == 0
    assert client.post(confirm, {"token": preview.context["token"]}).status_code == 302  # the upload is gone
