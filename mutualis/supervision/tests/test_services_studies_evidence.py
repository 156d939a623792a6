"""Site risk study → quote → order → supervised devices: the member asks, the operator assesses and recommends
catalogue devices, the member orders in one step through purchasing, and the delivered devices become devices of
the site (inactive until the operator activates them)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mutualis.purchasing.choices import ItemCategory, OrderStatus
from mutualis.purchasing.models import Order
from mutualis.purchasing.tests.builders import deliver_all
from mutualis.purchasing.tests.factories import CatalogueItemFactory, LotFactory
from mutualis.supervision.models import Device, ProtectedSite
from mutualis.supervision.models.evidence import RiskStudy
from mutualis.supervision.services import studies

pytestmark = pytest.mark.django_db


def _quoted(world):
    study = studies.study_request(
        site=world.site_a, request_note="Tags et intrusions la nuit.", acting_user=world.agent
    )
    studies.study_assess(
        study=study,
        threats="Intrusions nocturnes, dégradations",
        zones="Parvis, entrée des services",
        recommendations="Deux caméras dôme et un enregistreur",
        acting_user=world.staff,
    )
    lot = LotFactory()
    camera = CatalogueItemFactory(lot=lot, category=ItemCategory.VIDEO_PROTECTION, label="Caméra dôme 4K")
    recorder = CatalogueItemFactory(lot=lot, category=ItemCategory.VIDEO_PROTECTION, label="Enregistreur 8 voies")
    studies.study_line_add(study=study, item=camera, quantity=2, location="Parvis", acting_user=world.staff)
    studies.study_line_add(study=study, item=recorder, quantity=1, acting_user=world.staff)
    return studies.study_send_quote(study=study, acting_user=world.staff)


def test_study_becomes_order_then_supervised_devices(world, django_capture_on_commit_callbacks):
    """One click orders the quote (a draft order per lot, delivered to the site); once delivered, each camera and
    recorder becomes a device of the site, linked to its asset, inactive until activated."""
    study = _quoted(world)
    assert study.status == "quoted"
    orders = studies.study_order(study=study, acting_user=world.agent)
    assert len(orders) == 1
    order = orders[0]
    assert (order.status, order.site, order.member) == (OrderStatus.DRAFT, world.site_a, world.member_a)
    assert sorted(order.lines.values_list("quantity", flat=True)) == [1, 2]
    study.refresh_from_db()
    assert study.status == "ordered" and list(study.orders.all()) == [order]
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.SENT)  # validated and sent through purchasing
    with django_capture_on_commit_callbacks(execute=True):
        deliver_all(Order.objects.get(pk=order.pk), world.agent, on=datetime.date.today())
    protected = ProtectedSite.objects.get(site=world.site_a)
    devices = Device.objects.filter(protected_site=protected)
    assert sorted(devices.values_list("kind", flat=True)) == ["fixed_camera", "fixed_camera", "nvr"]
    assert all(d.asset_id and not d.is_active for d in devices)
    assert set(devices.filter(kind="fixed_camera").values_list("location", flat=True)) == {"Parvis"}
    # Idempotent: a second pass makes nothing new.
    assert studies.devices_from_delivered_assets(order=order) == []


def test_only_members_agents_ask_and_order_only_operators_assess(world):
    """A reader may not ask or order; a member's agent may not assess; nothing is written on refusal."""
    with pytest.raises(PermissionDenied):
        studies.study_request(site=world.site_a, request_note="x", acting_user=world.reader)
    study = studies.study_request(site=world.site_a, request_note="Besoin", acting_user=world.agent)
    with pytest.raises(PermissionDenied):
        studies.study_assess(study=study, threats="t", zones="", recommendations="r", acting_user=world.agent)
    with pytest.raises(ValidationError):
        studies.study_order(study=study, acting_user=world.agent)  # not quoted yet
    with pytest.raises(PermissionDenied):
        studies.study_request(site=world.site_b, request_note="x", acting_user=world.agent)
    assert RiskStudy.objects.count() == 1


def test_quote_needs_assessment_and_devices(world):
    """No quote without threats, recommendations and at least one catalogue device."""
    study = studies.study_request(site=world.site_a, request_note="Besoin", acting_user=world.agent)
    with pytest.raises(ValidationError):
        studies.study_send_quote(study=study, acting_user=world.staff)
    study.refresh_from_db()
    assert study.status == "requested"


def test_study_refused_without_video_protection_competence(world):
    """The service is gated by the « vidéoprotection » competence (member B has not transferred it)."""
    with pytest.raises(ValidationError, match="vidéoprotection"):
        studies.study_request(site=world.site_b, request_note="Besoin", acting_user=world.other_member)
