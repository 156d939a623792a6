"""The purchasing demo's data file (data/demo/purchasing.toml) is consistent before anything is loaded from it."""

from decimal import Decimal

from stdnum.fr import siret

from mutualis.purchasing.choices import ItemCategory, OrderStatus, Procedure
from mutualis.purchasing.management.commands.load_demo_purchasing import demo_data


def test_demo_data_file_is_consistent():
    """Suppliers carry valid (fictitious, 999) SIRETs; every lot's holders are listed suppliers; categories,
    procedures and statuses are known values; amounts are exact decimals."""
    data = demo_data()
    names = [row["name"] for row in data["suppliers"]]
    assert len(set(names)) == len(names)
    for row in data["suppliers"]:
        assert siret.is_valid(row["siret"]) and row["siret"].startswith("999")
    for agreement in data["agreements"]:
        assert agreement["procedure"] in Procedure.values
        for lot in agreement["lots"]:
            assert set(lot["holders"]) <= set(names)
            assert isinstance(lot["max_amount_ht"], Decimal)
            for item in lot["items"]:
                assert item["category"] in ItemCategory.values
                assert item["list_price_ht"] >= item["unit_price_ht"] > 0
    assert set(data["orders"]["final_statuses"]) == set(OrderStatus.values)
    assert set(data["orders"]["age_days"]) <= set(OrderStatus.values)
