"""Reads of the supervision app, taking the user: alarms, sites, devices, sources."""
