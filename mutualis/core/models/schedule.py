from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicSlot(models.Model):
    """When a periodic task (core.schedule) is next due: the clocks claim a slot by moving `next_run_at` forward in
    one conditional UPDATE, so one of them, however many run, enqueues each run."""

    name = models.CharField(_("tâche"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("prochaine exécution"))
    last_run_at = models.DateTimeField(_("dernière mise en file"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("créneau de tâche périodique")
        verbose_name_plural = _("créneaux de tâches périodiques")

    def __str__(self) -> str:
        return self.name
