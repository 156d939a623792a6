"""Kinds and statuses of evidence, requisitions, the legal register, access requests and risk studies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvidenceKind(models.TextChoices):
    """What an evidence item is."""

    EXTRACT = "extract", _("Extrait d'enregistrement")
    CLIP = "clip", _("Séquence d'alarme")
    SNAPSHOT = "snapshot", _("Vignette")
    DOCUMENT = "document", _("Document")


class RequisitionBasis(models.TextChoices):
    """The article of the code de procédure pénale a requisition is made under."""

    FLAGRANCE = "cpp_60_1", _("Art. 60-1 CPP — enquête de flagrance")
    PRELIMINARY = "cpp_77_1_1", _("Art. 77-1-1 CPP — enquête préliminaire")
    INSTRUCTION = "cpp_99_3", _("Art. 99-3 CPP — information judiciaire")


class RequisitionStatus(models.TextChoices):
    """Received → extracted → handed over."""

    RECEIVED = "received", _("Reçue")
    EXTRACTED = "extracted", _("Images extraites")
    HANDED_OVER = "handed_over", _("Remise effectuée")


class HandoverSupport(models.TextChoices):
    """On what the signed export is handed over."""

    DOWNLOAD = "download", _("Téléchargement sécurisé")
    USB = "usb", _("Clé USB scellée")
    DISC = "disc", _("Disque optique (DVD, Blu-ray) scellé")
    OTHER = "other", _("Autre support")


class RegisterKind(models.TextChoices):
    """What a line of the legal register records."""

    RECORDING = "recording", _("Enregistrement réalisé")
    DESTRUCTION = "destruction", _("Destruction")
    EXTRACTION = "extraction", _("Extraction sur réquisition")
    TRANSMISSION = "transmission", _("Transmission à l'autorité judiciaire")
    ACCESS_ANSWER = "access_answer", _("Réponse à une demande d'accès")
    HOLD = "hold", _("Conservation judiciaire")


class AccessRequestKind(models.TextChoices):
    """What the person asks (CSI L253-5)."""

    ACCESS = "access", _("Accéder aux enregistrements la concernant")
    DESTRUCTION = "destruction", _("Vérifier leur destruction")


class AccessDecision(models.TextChoices):
    """How an access request was answered."""

    NONE = "", _("— En attente —")
    GRANTED = "granted", _("Accès accordé")
    REFUSED = "refused", _("Accès refusé")
    DESTRUCTION_CONFIRMED = "destroyed", _("Destruction confirmée")


class RefusalGround(models.TextChoices):
    """The grounds CSI L253-5 allows for refusing access."""

    NONE = "", _("—")
    STATE_SECURITY = "state_security", _("Sûreté de l'État")
    DEFENCE = "defence", _("Défense")
    PUBLIC_SAFETY = "public_safety", _("Sécurité publique")
    PROCEEDINGS = "proceedings", _("Procédure juridictionnelle ou opérations préliminaires en cours")
    THIRD_PARTIES = "third_parties", _("Droit des tiers")


class StudyStatus(models.TextChoices):
    """Requested → quoted → ordered (or declined by the member)."""

    REQUESTED = "requested", _("Demandée")
    QUOTED = "quoted", _("Devis transmis")
    ORDERED = "ordered", _("Commandée")
    DECLINED = "declined", _("Déclinée")
