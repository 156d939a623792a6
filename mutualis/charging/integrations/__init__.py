"""Protocols the charge points speak: `ocpp16` (OCPP 1.6J) and `ocpp201` (OCPP 2.0.1), both on the `ocpp` package
behind one base class (`base.OcppConnection`); each turns frames into calls of the charging services."""
