"""Periodic work of supervision (django-tasks run by the worker; `manage.py clock` enqueues them at the intervals
apps.py registers): legal state of the devices, camera health, escalation of unacknowledged alarms, renewal alerts
of the authorisations, anomaly detection. Each check is idempotent (one open technical alarm per defect, one
escalation per level, one renewal alert per authorisation)."""

from django_tasks import task

from mutualis.core.context import audit_context
from mutualis.supervision.services import alarms, devices, sites


@task()
def refresh_legal_frame() -> int:
    """Suspend or resume each device as its site's legal frame says now (authorisation, opening hours)."""
    with audit_context(origin="clock:supervision.legal_frame", user_agent="task refresh_legal_frame"):
        return devices.refresh_supervision()


@task()
def check_camera_health() -> int:
    """Camera health: every supervised device silent beyond its site's heartbeat timeout gets a technical alarm
    (it closes by itself when the device is heard from again); returns how many were raised."""
    with audit_context(origin="clock:supervision.camera_health", user_agent="task check_camera_health"):
        return alarms.check_heartbeats()


@task()
def escalate_alarms() -> int:
    """Run the escalation steps that are due; returns how many."""
    with audit_context(origin="clock:supervision.escalation", user_agent="task escalate_alarms"):
        return alarms.escalate_due_alarms()


@task()
def renewal_alerts() -> int:
    """Announce the authorisations entering their renewal notice (once each); returns how many."""
    with audit_context(origin="clock:supervision.renewal_alerts", user_agent="task renewal_alerts"):
        return sites.authorisation_renewal_alerts()


@task()
def detect_anomalies() -> int:
    """Technical alarms for devices whose last hour's activity is far above their usual rate; returns how many."""
    with audit_context(origin="clock:supervision.anomalies", user_agent="task detect_anomalies"):
        return alarms.detect_rate_anomalies()
