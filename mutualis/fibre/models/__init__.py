from mutualis.fibre.models.addresses import Address
from mutualis.fibre.models.imports import FibreImport, StagedAddress
from mutualis.fibre.models.plan import DeploymentPlan, PMZone, YearlyTarget

__all__ = ["Address", "DeploymentPlan", "FibreImport", "PMZone", "StagedAddress", "YearlyTarget"]
