from mutualis.education.models.establishments import Establishment

__all__ = ["Establishment"]
