"""Webhook emitters: the generic event format itself, posted to `/api/v1/supervision/events/` with the source's
token. The platform's side is the API view; this package is the emitter's side (the simulator, the bench, and an
example for integrators)."""
