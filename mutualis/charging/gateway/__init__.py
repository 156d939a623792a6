"""The OCPP gateway: a standalone asyncio process (`manage.py ocpp_gateway`) serving ws://HOST:PORT/ocpp/<identity>
for OCPP 1.6J and 2.0.1 charge points, calling the charging services through one database thread."""
