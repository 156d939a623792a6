"""States of the FTTH deployment (GraceTHD and Interop'Fibre vocabularies) and their allowed transitions.

The tables below are the only statement of which state may follow which: services validate against them and
`permissions.get_abilities` answers from them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AddressState(models.TextChoices):
    """State of an address (GraceTHD `ad_ietat`, IPE `EtatImmeuble`): targeted → signed → in progress → deployed."""

    TARGETED = "CI", _("Ciblé")
    SIGNED = "SI", _("Signé")
    IN_PROGRESS = "EC", _("En cours de déploiement")
    DEPLOYED = "DE", _("Déployé")
    ABANDONED = "AB", _("Abandonné")


# An operator's file may skip states between two deliveries (targeted one month, deployed the next), but never goes
# back: a deployed address that reappears « en cours » is an error in the file, not a new fact. Abandoned is final
# (IPE: the line disappears three months later; a rebuilt address comes back under a new identifier).
ADDRESS_TRANSITIONS: dict[str, set[str]] = {
    AddressState.TARGETED: {
        AddressState.SIGNED,
        AddressState.IN_PROGRESS,
        AddressState.DEPLOYED,
        AddressState.ABANDONED,
    },
    AddressState.SIGNED: {AddressState.IN_PROGRESS, AddressState.DEPLOYED, AddressState.ABANDONED},
    AddressState.IN_PROGRESS: {AddressState.DEPLOYED, AddressState.ABANDONED},
    AddressState.DEPLOYED: {AddressState.ABANDONED},
    AddressState.ABANDONED: set(),
}


class PMZoneState(models.TextChoices):
    """State of a PM zone (point de mutualisation and the premises behind it)."""

    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours de déploiement")
    COMMISSIONED = "commissioned", _("Mise en service")
    ABANDONED = "abandoned", _("Abandonnée")


# Who may move a PM zone is decided once (network officers, see permissions.can_manage_fibre); where it may go is
# this table. A commissioned PM stays commissioned: its addresses are connectable from that date.
PM_ZONE_TRANSITIONS: dict[str, set[str]] = {
    PMZoneState.PLANNED: {PMZoneState.IN_PROGRESS, PMZoneState.ABANDONED},
    PMZoneState.IN_PROGRESS: {PMZoneState.COMMISSIONED, PMZoneState.ABANDONED},
    PMZoneState.COMMISSIONED: set(),
    PMZoneState.ABANDONED: {PMZoneState.PLANNED},
}


class ImportLayout(models.TextChoices):
    """The operator file layouts the platform reads (see fibre.integrations)."""

    IPE = "ipe", _("IPE (Interop'Fibre, immeubles passés et éligibles)")
    GRACETHD = "gracethd", _("GraceTHD (table t_adresse)")


class ImportStatus(models.TextChoices):
    """Where an import stands: waiting for the worker, checking lines, writing, done or refused."""

    PENDING = "pending", _("En attente")
    CHECKING = "checking", _("Vérification des lignes")
    APPLYING = "applying", _("Enregistrement")
    DONE = "done", _("Importé")
    FAILED = "failed", _("Refusé, rien n'a été importé")


IMPORT_RUNNING = {ImportStatus.PENDING, ImportStatus.CHECKING, ImportStatus.APPLYING}
