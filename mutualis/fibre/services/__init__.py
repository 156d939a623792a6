"""Writes of the fibre app, one module per sub-domain: `plans` (plan, yearly targets, PM zones) and `imports`
(operator files). `from mutualis.fibre.services import plans` then `plans.plan_create(...)`."""
