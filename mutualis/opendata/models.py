"""What the worker generated: one Generation per run of a dataset, one GeneratedFile per resource written."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GenerationStatus(models.TextChoices):
    """How a generation ended: running, valid, invalid (written but refused by its schema), failed."""

    RUNNING = "running", _("En cours")
    VALID = "valid", _("Valide")
    INVALID = "invalid", _("Non conforme au schéma")
    FAILED = "failed", _("Échec")


class Generation(models.Model):
    """One run that wrote every resource file of a dataset, with its outcome, errors and duration."""

    dataset = models.SlugField(_("jeu de données"), max_length=100, db_index=True)
    status = models.CharField(
        _("statut"), max_length=16, choices=GenerationStatus.choices, default=GenerationStatus.RUNNING
    )
    trigger = models.CharField(_("déclencheur"), max_length=32, blank=True)
    started_at = models.DateTimeField(_("commencée le"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), null=True, blank=True)
    errors = models.JSONField(_("erreurs"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("génération")
        verbose_name_plural = _("générations")

    def __str__(self) -> str:
        return f"{self.dataset} — {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class GeneratedFile(models.Model):
    """A resource file written by a generation: where it is stored, its size, SHA-256 and validation result."""

    generation = models.ForeignKey(
        Generation, verbose_name=_("génération"), on_delete=models.CASCADE, related_name="files"
    )
    filename = models.CharField(_("fichier"), max_length=200)
    storage_name = models.CharField(_("nom dans le stockage"), max_length=300)
    media_type = models.CharField(_("type de média"), max_length=100)
    byte_size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    rows = models.PositiveBigIntegerField(
        _("enregistrements"), null=True, blank=True, help_text=_("lignes, objets ou entités")
    )
    # None: no schema to check against; True/False: checked.
    valid = models.BooleanField(_("conforme au schéma"), null=True)
    errors = models.JSONField(_("erreurs"), default=list, blank=True)

    class Meta:
        ordering = ["generation", "filename"]
        verbose_name = _("fichier généré")
        verbose_name_plural = _("fichiers générés")
        constraints = [models.UniqueConstraint(fields=["generation", "filename"], name="one_file_per_generation")]

    def __str__(self) -> str:
        return self.filename
