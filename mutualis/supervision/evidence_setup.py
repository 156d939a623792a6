"""What the evidence part of supervision registers when the app is ready: the French labels of its audit actions
and object types, and the hook that turns a study's delivered assets into supervised devices."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "supervision.requisition_create": _("Réquisition judiciaire enregistrée"),
    "supervision.requisition_range_add": _("Plage ajoutée à une réquisition"),
    "supervision.evidence_extract": _("Images extraites sur réquisition"),
    "supervision.requisition_handover": _("Preuves remises sur réquisition"),
    "supervision.evidence_export": _("Images exportées"),
    "supervision.export_download": _("Export de preuves téléchargé"),
    "supervision.recording_playback": _("Enregistrement relu"),
    "supervision.recording_destroy": _("Enregistrement détruit (durée de conservation)"),
    "supervision.evidence_destroy": _("Élément de preuve détruit (durée de conservation)"),
    "supervision.legal_hold_set": _("Mise sous conservation judiciaire"),
    "supervision.legal_hold_release": _("Conservation judiciaire levée"),
    "supervision.access_request_create": _("Demande d'accès aux images enregistrée"),
    "supervision.access_request_answer": _("Réponse à une demande d'accès aux images"),
    "supervision.masking_apply": _("Tiers occultés sur un fichier remis (droit d'accès)"),
    "supervision.masking_withdraw": _("Occultation d'un fichier retirée avant la réponse"),
    "supervision.register_export": _("Registre de vidéoprotection exporté"),
    "supervision.access_register_export": _("Registre des accès aux images exporté"),
    "supervision.study_request": _("Étude de sûreté demandée"),
    "supervision.study_assess": _("Étude de sûreté renseignée"),
    "supervision.study_line_add": _("Équipement préconisé par une étude"),
    "supervision.study_quote": _("Devis d'étude de sûreté transmis"),
    "supervision.study_order": _("Devis d'étude de sûreté commandé"),
    "supervision.study_decline": _("Devis d'étude de sûreté décliné"),
}
OBJECT_TYPES = [
    "supervision.recording",
    "supervision.evidenceitem",
    "supervision.requisition",
    "supervision.accessrequest",
    "supervision.maskedcopy",
    "supervision.riskstudy",
]


def ready(group: object) -> None:
    """Register the labels under the app's name and connect the delivery hook."""
    from mutualis.core import audit_labels
    from mutualis.supervision.services.studies import connect_signals

    audit_labels.register_actions(ACTIONS, group=group)
    audit_labels.register_object_types(OBJECT_TYPES)
    connect_signals()
