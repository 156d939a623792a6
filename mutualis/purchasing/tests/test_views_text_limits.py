"""Text longer than a field's limit is refused with the limit on the field, never cut; nothing is written."""

import pytest
from django.urls import reverse

from mutualis.core.testing import login_as
from mutualis.members.testing import rows
from mutualis.purchasing.models import FrameworkAgreement, Supplier, SupplierContact
from mutualis.purchasing.tests.factories import SupplierFactory
from mutualis.purchasing.tests.test_views_agreements import agreement_post

pytestmark = pytest.mark.django_db


def test_a_300_character_agreement_reference_is_refused_not_cut(world, client):
    """An agreement reference of 300 characters (50 allowed) answers 400 with the limit on the field; the form
    carries no `maxlength` for the browser to cut it with; no agreement is written."""
    login_as(client, world.staff)
    url = reverse("purchasing:backoffice_agreement_create")
    assert "maxlength" not in client.get(url).content.decode()
    response = client.post(url, agreement_post(reference="A" * 300))
    assert response.status_code == 400
    assert "au plus 50 caractères (actuellement 300)" in response.content.decode()
    assert FrameworkAgreement.objects.count() == 0


def test_an_e_mail_address_over_254_characters_is_refused_on_its_field(world, client):
    """A well-formed address of 301 characters (the form sets no length, the model 254) is refused on the field by
    the service's validation, not cut; no contact is written."""
    supplier = SupplierFactory()
    login_as(client, world.staff)
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + "." + "c" * 50 + ".fr"
    before = rows(Supplier.objects.all()), rows(SupplierContact.objects.all())
    response = client.post(
        reverse("purchasing:backoffice_supplier_contact_create", args=[supplier.pk]),
        {"name": "Camille Durand", "email": email},
    )
    assert response.status_code == 400
    assert "au plus 254 caractères (actuellement 301)" in response.content.decode()
    assert (rows(Supplier.objects.all()), rows(SupplierContact.objects.all())) == before
