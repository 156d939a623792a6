"""Writes of the charging app, one module per sub-domain: `registry` (stations, charge points), `tags` (badges and
the local authorisation list), `commands` (central system → charge point requests and their results), `sessions`
(transactions, meter values, reconciliation), `state` (online / offline, boots, statuses). The OCPP handlers, the
pages, the API, the tasks and the commands all call these.
"""
