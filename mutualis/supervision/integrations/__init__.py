"""Protocols and vendors that feed supervision (Healthchecks' `integrations/<kind>/`): each package turns what its
devices send into the generic events of `services.ingestion.ingest_events`, and refuses bad input with a clear
error (`base.MappingError`)."""
