import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """Stable JSON text (sorted keys, no spaces) so a hash computed now is the hash recomputed later."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Le journal d'audit est en ajout seul.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Le journal d'audit est en ajout seul.")


class AuditEntry(models.Model):
    """One sensitive action: who, when, what, before/after; chained to the previous entry by a SHA-256 hash."""

    seq = models.PositiveBigIntegerField(_("numéro"), unique=True)
    created_at = models.DateTimeField(_("date"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # The actor's label is kept as text so the entry still says who acted after the account is gone.
    actor_label = models.CharField(_("auteur (libellé)"), max_length=255)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("type d'objet"), max_length=100, db_index=True)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("objet"), max_length=255, blank=True)
    member_id = models.BigIntegerField(_("adhérent concerné"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("avant"), null=True, blank=True)
    after = models.JSONField(_("après"), null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    # Null rather than "" so that adding them was a plain ALTER TABLE (SQLite would otherwise rebuild the
    # append-only table); entries written before they existed keep hashing as they did.
    user_agent = models.CharField(_("navigateur ou client"), max_length=255, null=True, blank=True)
    request_id = models.CharField(_("identifiant de requête"), max_length=64, null=True, blank=True)
    prev_hash = models.CharField(_("empreinte précédente"), max_length=64)
    hash = models.CharField(_("empreinte"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Le journal d'audit est en ajout seul.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Le journal d'audit est en ajout seul.")

    def hash_payload(self) -> str:
        """The text whose hash seals this entry: every recorded field plus the previous entry's hash."""
        payload = {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "member_id": self.member_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "ip_address": self.ip_address,
            "prev_hash": self.prev_hash,
        }
        # Fields added later enter the hash only when set, so older entries verify unchanged.
        for name in ("user_agent", "request_id"):
            if getattr(self, name):
                payload[name] = getattr(self, name)
        return canonical_json(payload)

    def compute_hash(self) -> str:
        return hashlib.sha256(self.hash_payload().encode()).hexdigest()


class AuditChainHead(models.Model):
    """The single row holding the chain's last sequence number and hash; locked while an entry is appended.

    Locking this row (rather than the last entry) serialises appends on PostgreSQL too: two transactions that
    both locked "the last entry" would each chain onto it and fork the chain.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("tête de chaîne d'audit")

    def __str__(self) -> str:
        return f"#{self.last_seq}"
