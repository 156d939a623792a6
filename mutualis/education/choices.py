"""Kinds, sectors and statuses of the education app, with the allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EstablishmentKind(models.TextChoices):
    """The établissements the operator equips: écoles (owned by their commune) and collèges (by the département)."""

    SCHOOL = "ecole", _("École")
    COLLEGE = "college", _("Collège")


class Sector(models.TextChoices):
    """Public or private (under contract) établissement."""

    PUBLIC = "public", _("Public")
    PRIVATE = "prive", _("Privé")


class Audience(models.TextChoices):
    """Who a resource is for."""

    PUPILS = "pupils", _("Élèves")
    TEACHERS = "teachers", _("Enseignants")
    ALL = "all", _("Élèves et enseignants")


class AssignmentTarget(models.TextChoices):
    """Who receives a licence: one pupil, one teacher (each by pseudonym), or a whole class group."""

    PUPIL = "pupil", _("Élève")
    TEACHER = "teacher", _("Enseignant")
    CLASS_GROUP = "class_group", _("Classe (division)")


class Profile(models.TextChoices):
    """The GAR's national profiles sent to a publisher."""

    PUPIL = "National_elv", _("Élève (National_elv)")
    TEACHER = "National_ens", _("Enseignant (National_ens)")


# The profile a target gets (a class group's licences go to its pupils).
TARGET_PROFILE: dict[str, str] = {
    AssignmentTarget.PUPIL: Profile.PUPIL,
    AssignmentTarget.TEACHER: Profile.TEACHER,
    AssignmentTarget.CLASS_GROUP: Profile.PUPIL,
}


class BeneficiaryKind(models.TextChoices):
    """Who borrows a device."""

    PUPIL = "pupil", _("Élève (pseudonyme)")
    TEACHER = "teacher", _("Enseignant")
    CLASS_GROUP = "class_group", _("Classe")
    ASE_CHILD = "ase_child", _("Enfant confié à l'ASE (via le département)")
    EHPAD_RESIDENT = "ehpad_resident", _("Résident d'EHPAD (via l'EHPAD)")


class LoanStatus(models.TextChoices):
    """A loan is ongoing until the device comes back."""

    ONGOING = "ongoing", _("En cours")
    RETURNED = "returned", _("Rendu")


class Condition(models.TextChoices):
    """The state of a device when it leaves and when it comes back."""

    NEW = "new", _("Neuf")
    GOOD = "good", _("Bon état")
    WORN = "worn", _("Usé")
    DAMAGED = "damaged", _("Endommagé (à réparer)")


class CampaignStatus(models.TextChoices):
    """A crisis campaign: prepared, devices allocated, closed."""

    OPEN = "open", _("Ouverte")
    CLOSED = "closed", _("Close")


class ApplicationStatus(models.TextChoices):
    """A collège's application to a project call: submitted, then selected or not."""

    SUBMITTED = "submitted", _("Déposée")
    SELECTED = "selected", _("Retenue")
    REJECTED = "rejected", _("Non retenue")


# Decisions an education officer takes on a submitted application (and may revise before the results).
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    ApplicationStatus.SUBMITTED: {ApplicationStatus.SELECTED, ApplicationStatus.REJECTED},
    ApplicationStatus.SELECTED: {ApplicationStatus.REJECTED},
    ApplicationStatus.REJECTED: {ApplicationStatus.SELECTED},
}
