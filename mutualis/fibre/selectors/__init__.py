"""Reads of the fibre app, one module per sub-domain: `plans` (plans, PM zones, addresses, imports — scoped by the
viewer) and `progress` (public aggregates per commune, group and quarter)."""
