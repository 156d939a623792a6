"""Frigate NVR: its MQTT messages (`<prefix>/reviews`, `/events`, `/available`, `/stats`) and its HTTP API (event
snapshots and clips)."""
