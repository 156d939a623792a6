"""The members API answers another member's id exactly as an id that does not exist: the same 400 message, and
nothing written."""

import json
import re

from django.test import Client

from mutualis.core.testing import login_as
from mutualis.members.models import Site
from mutualis.members.testing import rows

MISSING = 987654321  # no member has this id


def _site_member_error(user, member_pk):
    client = Client()
    login_as(client, user)
    payload = {"member": member_pk, "name": "Parking", "kind": "car_park", "address": "Rue", "commune": "78646"}
    response = client.post("/api/v1/sites/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400, response.content
    return re.sub(rf"(?<!\d){member_pk}(?!\d)", "<id>", " ".join(response.json()["member"]))


def test_a_site_for_another_member_reads_as_for_a_missing_one(world):
    """Adding a site to member A as member B's manager gets the message of a member that does not exist."""
    before = rows(Site.objects.all())
    hidden = _site_member_error(world.other_member, world.member_a.pk)
    assert hidden == _site_member_error(world.other_member, MISSING)
    assert "non valide" in hidden
    assert rows(Site.objects.all()) == before
