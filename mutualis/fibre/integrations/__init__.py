"""Operator file layouts, one small package each behind `base.AddressLayout`: `ipe` and `gracethd`."""

from mutualis.fibre.integrations.base import AddressLayout
from mutualis.fibre.integrations.gracethd import GraceThdLayout
from mutualis.fibre.integrations.ipe import IpeLayout

LAYOUTS: dict[str, AddressLayout] = {"ipe": IpeLayout(), "gracethd": GraceThdLayout()}

__all__ = ["LAYOUTS", "AddressLayout"]
