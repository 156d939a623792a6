"""Statuses, kinds and roles of the members app, with the allowed adhésion transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberKind(models.TextChoices):
    """What kind of public body a member is."""

    DEPARTEMENT = "departement", _("Département")
    COMMUNE = "commune", _("Commune")
    INTERCOMMUNALITY = "intercommunality", _("EPCI / EPT")
    PUBLIC_ESTABLISHMENT = "public_establishment", _("Établissement public")
    OTHER_PUBLIC_BODY = "other_public_body", _("Autre organisme public")


class EstablishmentType(models.TextChoices):
    """For public establishments: what kind of establishment."""

    NONE = "", _("—")
    COLLEGE = "college", _("Collège")
    LYCEE = "lycee", _("Lycée")
    EHPAD = "ehpad", _("EHPAD")
    CCAS = "ccas", _("CCAS / CIAS")
    HOSPITAL = "hospital", _("Établissement de santé")
    OTHER = "other", _("Autre établissement")


class MemberStatus(models.TextChoices):
    """Adhésion workflow: requested → approved → active → withdrawn (or requested → rejected)."""

    REQUESTED = "requested", _("Adhésion demandée")
    APPROVED = "approved", _("Adhésion approuvée")
    ACTIVE = "active", _("Adhérent actif")
    WITHDRAWN = "withdrawn", _("Retiré")
    REJECTED = "rejected", _("Adhésion refusée")


MEMBER_TRANSITIONS: dict[str, set[str]] = {
    MemberStatus.REQUESTED: {MemberStatus.APPROVED, MemberStatus.REJECTED},
    MemberStatus.APPROVED: {MemberStatus.ACTIVE, MemberStatus.WITHDRAWN},
    MemberStatus.ACTIVE: {MemberStatus.WITHDRAWN},
    MemberStatus.WITHDRAWN: set(),
    MemberStatus.REJECTED: set(),
}


class Competence(models.TextChoices):
    """Competences a member may transfer to the operator, à la carte."""

    CENTRAL_PURCHASING = "central_purchasing", _("Centrale d'achat")
    DIGITAL_EDUCATION = "digital_education", _("Numérique éducatif")
    VIDEO_PROTECTION = "video_protection", _("Vidéoprotection")
    EV_CHARGING = "ev_charging", _("Recharge de véhicules électriques (IRVE)")
    BROADBAND = "broadband", _("Très haut débit")
    DATA_SMART_CITY = "data_smart_city", _("Données et ville intelligente")


class MemberRole(models.TextChoices):
    """A user's role within one member."""

    READER = "reader", _("Lecteur")
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Gestionnaire")


class SiteKind(models.TextChoices):
    """What kind of place a site is."""

    TOWN_HALL = "town_hall", _("Hôtel de ville / mairie")
    ADMINISTRATIVE = "administrative", _("Bâtiment administratif")
    COLLEGE = "college", _("Collège")
    SCHOOL = "school", _("École")
    CAR_PARK = "car_park", _("Parking")
    EHPAD = "ehpad", _("EHPAD")
    SPORTS = "sports", _("Équipement sportif")
    CULTURE = "culture", _("Équipement culturel")
    TECHNICAL = "technical", _("Centre technique")
    PUBLIC_SPACE = "public_space", _("Espace public")
    OTHER = "other", _("Autre")


# Statuses in which a member may still receive competences, sites and users.
OPEN_STATUSES = {MemberStatus.REQUESTED, MemberStatus.APPROVED, MemberStatus.ACTIVE}
# Transitions that need the deliberation voted by the operator's assembly, and those that need a written reason.
DELIBERATION_REQUIRED = {MemberStatus.APPROVED}
REASON_REQUIRED = {MemberStatus.REJECTED, MemberStatus.WITHDRAWN}
# Button labels of the workflow, by target status.
TRANSITION_LABELS = {
    MemberStatus.APPROVED: _("Approuver l'adhésion"),
    MemberStatus.ACTIVE: _("Activer l'adhérent"),
    MemberStatus.REJECTED: _("Refuser l'adhésion"),
    MemberStatus.WITHDRAWN: _("Retirer l'adhérent"),
}
