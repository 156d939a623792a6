"""Scheduled work of supervision (django-tasks, and the `supervision_scheduler` loop): legal state of the devices,
camera health, escalation of unacknowledged alarms, anomaly detection."""

from django_tasks import task

from mutualis.core.context import audit_context
from mutualis.supervision.services import alarms, devices, sites


def run_tick(*, anomalies: bool = True) -> dict[str, int]:
    """One pass of every scheduled check; returns what each did."""
    with audit_context(origin="task:supervision_tick", user_agent="task supervision_tick"):
        result = {
            "suspended_or_resumed": devices.refresh_supervision(),
            "heartbeat_alarms": alarms.check_heartbeats(),
            "escalations": alarms.escalate_due_alarms(),
            "renewal_alerts": sites.authorisation_renewal_alerts(),
        }
        if anomalies:
            result["anomalies"] = alarms.detect_rate_anomalies()
        return result


@task()
def supervision_tick() -> dict[str, int]:
    """The scheduled checks, as a task the worker runs."""
    return run_tick()
