"""Text longer than a field's limit is refused with the limit on the field, never cut; nothing is written."""

import pytest
from django.urls import reverse

from mutualis.contributions.choices import CallStatus
from mutualis.contributions.models import ContributionCall
from mutualis.core.testing import login_as
from mutualis.members.testing import rows

pytestmark = pytest.mark.django_db


def test_a_cancellation_reason_over_1000_characters_is_refused_not_cut(client, contribution_world):
    """Cancelling a call with a 1,001-character reason answers 400 with the limit; the call stays issued, and the
    form carries no `maxlength` for the browser to cut the reason with."""
    login_as(client, contribution_world.users["administrator"])
    call = contribution_world.call
    assert "maxlength" not in client.get(reverse("contributions:call_detail", args=[call.pk])).content.decode()
    before = rows(ContributionCall.objects.all())
    response = client.post(reverse("contributions:call_cancel", args=[call.pk]), {"reason": "M" * 1001})
    assert response.status_code == 400
    assert "au plus 1000 caractères (actuellement 1001)" in response.content.decode()
    assert rows(ContributionCall.objects.all()) == before
    call.refresh_from_db()
    assert call.status == CallStatus.ISSUED
