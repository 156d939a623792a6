"""The incident report of an alarm: the same facts for the printable page and the PDF (`core.pdf`)."""

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from mutualis.core.pdf import markup, render, styles, table
from mutualis.supervision.models import Alarm
from mutualis.supervision.selectors.alarms import alarm_escalations, alarm_police_calls, alarm_timeline

STAMP = "%d/%m/%Y %H:%M:%S"


def _at(value: Any) -> str:
    return timezone.localtime(value).strftime(STAMP) if value else "—"


@dataclass
class IncidentReport:
    """What an incident report says: facts, timeline, police calls, escalation."""

    alarm: Alarm
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    timeline: list[tuple[str, str, str, str]] = field(default_factory=list)
    police: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    escalations: list[tuple[str, str, str, str]] = field(default_factory=list)


def incident_report(*, alarm: Alarm) -> IncidentReport:
    """The report of one alarm (what the member and the prosecutor read)."""
    site = alarm.protected_site.site
    report = IncidentReport(alarm=alarm, title=_("Rapport d'incident n° %(n)s") % {"n": alarm.pk})
    qualification = alarm.get_qualification_display() if alarm.qualification else _("Non qualifiée (en cours)")
    if alarm.false_alarm_cause:
        qualification += f" — {alarm.get_false_alarm_cause_display()}"
    report.facts = [
        (_("Site"), f"{site.name}, {site.address} ({site.commune.name})"),
        (_("Adhérent"), site.member.name),
        (_("Équipement"), alarm.device.name if alarm.device else "—"),
        (_("Nature"), alarm.get_kind_display()),
        (_("Priorité"), alarm.get_priority_display()),
        (_("Statut"), alarm.get_status_display()),
        (_("Premier événement"), _at(alarm.first_event_at)),
        (_("Dernier événement"), _at(alarm.last_event_at)),
        (_("Événements"), str(alarm.event_count)),
        (_("Levée de doute"), _at(alarm.verified_at) + (f" — {alarm.verified_by}" if alarm.verified_by else "")),
        (_("Qualification"), qualification),
        (_("Clôturée"), _at(alarm.closed_at) + (f" — {alarm.closed_by}" if alarm.closed_by else "")),
        (_("Compte rendu"), alarm.qualification_note or "—"),
    ]
    report.timeline = [
        (_at(e.at), e.get_kind_display(), str(e.user) if e.user else _("Système"), e.text)
        for e in alarm_timeline(alarm=alarm)
    ]
    report.police = [
        (_at(c.called_at), str(c.called_by), c.service, c.reference, c.evidence_reference)
        for c in alarm_police_calls(alarm=alarm)
    ]
    report.escalations = [
        (_at(s.at), str(s.level), f"{s.contact.name} ({s.contact.get_role_display()})", s.outcome)
        for s in alarm_escalations(alarm=alarm)
    ]
    return report


def incident_pdf(*, report: IncidentReport) -> bytes:
    """The report as PDF bytes."""
    sheet = styles()
    story: list[Any] = [Paragraph(markup(report.title), sheet["title"])]
    story += [Paragraph(f"<b>{markup(label)}</b> : {markup(value)}", sheet["body"]) for label, value in report.facts]
    story += [Spacer(1, 4 * mm), Paragraph(markup(_("Chronologie")), sheet["h2"])]
    story.append(
        table(
            [[_("Le"), _("Action"), _("Par"), _("Détail")], *[list(row) for row in report.timeline]],
            [32 * mm, 32 * mm, 35 * mm, 70 * mm],
            set(),
            sheet,
        )
    )
    if report.police:
        story += [Spacer(1, 4 * mm), Paragraph(markup(_("Appels aux forces de l'ordre")), sheet["h2"])]
        story.append(
            table(
                [[_("Le"), _("Par"), _("Service"), _("Référence"), _("Preuve")], *[list(r) for r in report.police]],
                [30 * mm, 32 * mm, 37 * mm, 30 * mm, 40 * mm],
                set(),
                sheet,
            )
        )
    if report.escalations:
        story += [Spacer(1, 4 * mm), Paragraph(markup(_("Escalade")), sheet["h2"])]
        story.append(
            table(
                [[_("Le"), _("Niveau"), _("Contact"), _("Résultat")], *[list(r) for r in report.escalations]],
                [32 * mm, 15 * mm, 62 * mm, 60 * mm],
                {1},
                sheet,
            )
        )
    return render(story, title=report.title, author="Mutualis")
