"""Factories of the assets app: equipment received by a member, built through the service (so with its
« delivered » event), knowing nothing of how it was bought."""

import datetime
from decimal import Decimal
from typing import Any

import factory

from mutualis.assets import services
from mutualis.assets.choices import AssetKind
from mutualis.assets.models import Asset
from mutualis.members.tests.factories import MemberFactory


class AssetFactory(factory.django.DjangoModelFactory):
    """A tablet in stock at its member's site (pass `site=`), 24-month warranty from its delivery today."""

    class Meta:
        model = Asset

    member = factory.SubFactory(MemberFactory)
    site = None
    kind = AssetKind.TABLET
    designation = factory.Sequence(lambda n: f"Tablette 10 pouces modèle {n}")
    manufacturer = "Fabricant Exemple"
    reference = "TAB-10"
    serial_number = factory.Sequence(lambda n: f"SN-{n:06d}")
    purchase_price_ht = Decimal("300.0000")
    delivered_on = factory.LazyFunction(datetime.date.today)
    warranty_months = 24
    acting_user = None

    @classmethod
    def _create(cls, model_class: type[Asset], *args: Any, **kwargs: Any) -> Asset:
        return services.asset_create(**kwargs)
