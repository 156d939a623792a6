from mutualis.assets.models.asset import Asset, AssetEvent

__all__ = ["Asset", "AssetEvent"]
