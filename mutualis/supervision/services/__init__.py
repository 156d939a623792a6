"""Writes of the supervision app, one module per sub-domain (sites, access, devices, sources, ingestion, alarms)."""
