from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.fibre.choices import AddressState, ImportLayout, ImportStatus


class FibreImport(BaseModel):
    """One operator file read into the address base: who sent it, how it went, what it changed or why it was refused.

    The row is also the import's progress (bytes and lines read, updated after every batch) that the page polls.
    """

    layout = models.CharField(_("format"), max_length=16, choices=ImportLayout.choices)
    file_name = models.CharField(_("fichier"), max_length=255)
    upload = models.FileField(_("fichier déposé"), upload_to="fibre/imports/", blank=True)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    encoding = models.CharField(_("encodage détecté"), max_length=20, blank=True)
    origin = models.CharField(_("origine"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("état"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING, db_index=True
    )
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    bytes_read = models.PositiveBigIntegerField(_("octets lus"), default=0)
    lines_read = models.PositiveIntegerField(_("lignes lues"), default=0)
    new_count = models.PositiveIntegerField(_("adresses nouvelles"), default=0)
    changed_count = models.PositiveIntegerField(_("adresses modifiées"), default=0)
    unchanged_count = models.PositiveIntegerField(_("adresses inchangées"), default=0)
    rejected_count = models.PositiveIntegerField(_("lignes rejetées"), default=0)
    rejected_lines = models.JSONField(
        _("lignes rejetées (détail)"),
        default=list,
        blank=True,
        help_text=_("Les premières lignes rejetées : numéro de ligne, colonne, valeur, motif."),
    )
    error = models.TextField(_("motif du refus du fichier"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import de fichier fibre")
        verbose_name_plural = _("imports de fichiers fibre")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_layout_display()})"

    @property
    def percent(self) -> int:
        """How far the reading went, 0 to 100 (by bytes: the number of lines is known only at the end)."""
        if self.status in {ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.APPLYING}:
            return 100
        return min(99, self.bytes_read * 100 // self.size) if self.size else 0

    @property
    def is_running(self) -> bool:
        """Still waiting for the worker, checking or writing."""
        return self.status in {ImportStatus.PENDING, ImportStatus.CHECKING, ImportStatus.APPLYING}


class StagedAddress(models.Model):
    """A checked line of an import in progress, waiting for the whole file to be valid (deleted once applied).

    Lines are checked and staged batch by batch, each batch committed with the import's progress; the address base
    only changes in the one transaction that applies the staged lines, so a bad line anywhere leaves it untouched.
    The table is kept lean on purpose — plain integer columns, no foreign keys, one index — because every line of
    every file goes through it: duplicates, state regressions and what each line changes are found afterwards, and
    applied, with set-based queries (services.imports).
    """

    fibre_import_id = models.BigIntegerField(_("import"))
    line = models.PositiveIntegerField(_("ligne"))
    code = models.CharField(_("identifiant"), max_length=100)
    ban_id = models.CharField(max_length=50, blank=True)
    hexacle = models.CharField(max_length=10, blank=True)
    commune_id = models.BigIntegerField()
    label = models.CharField(max_length=255, blank=True)
    dwellings = models.PositiveIntegerField(default=0)
    business_premises = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=2, choices=AddressState.choices)
    signed_on = models.DateField(null=True, blank=True)
    cabled_on = models.DateField(null=True, blank=True)
    commissioned_on = models.DateField(null=True, blank=True)
    pm_zone_id = models.BigIntegerField(null=True, blank=True)
    connected_on = models.DateField(null=True, blank=True)
    new_building = models.BooleanField(default=False)
    isolated = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("ligne d'import vérifiée")
        verbose_name_plural = _("lignes d'import vérifiées")
        indexes = [models.Index(fields=["fibre_import_id", "code"], name="fibre_staged_import_code")]

    def __str__(self) -> str:
        return f"{self.fibre_import_id}:{self.line} {self.code}"
