"""Reads of the charging app, scoped by the viewer: `registry` (stations, charge points, badges, live state),
`sessions` (sessions, meter values, energy), `commands` (commands and the message log), `public` (what anyone sees:
published stations and their availability)."""
