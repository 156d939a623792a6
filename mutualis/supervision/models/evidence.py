"""Recordings and evidence (files behind Django's storage API), requisitions and their handover, the legal register
(recordings made, destructions, transmissions, answers to access requests), right-of-access requests, and the
member's site risk study that becomes a quote and an order."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.supervision.choices_evidence import (
    AccessDecision,
    AccessRequestKind,
    EvidenceKind,
    HandoverSupport,
    RefusalGround,
    RegisterKind,
    RequisitionBasis,
    RequisitionStatus,
    StudyStatus,
)


class Recording(BaseModel):
    """A recorded segment of one camera (a file in storage), destroyed when its site's retention runs out."""

    member_path = "device__protected_site__site__member"

    device = models.ForeignKey(
        "supervision.Device", verbose_name=_("caméra"), on_delete=models.PROTECT, related_name="recordings"
    )
    starts_at = models.DateTimeField(_("début"), db_index=True)
    ends_at = models.DateTimeField(_("fin"))
    file = models.FileField(_("fichier"), upload_to="supervision/recordings/%Y/%m/%d/", max_length=255)
    content_type = models.CharField(_("type de contenu"), max_length=100, default="video/mp4")
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    legal_hold = models.BooleanField(_("conservation judiciaire"), default=False)
    legal_hold_reason = models.CharField(_("motif de la conservation"), max_length=255, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("enregistrement")
        verbose_name_plural = _("enregistrements")
        indexes = [models.Index(fields=["device", "starts_at"]), models.Index(fields=["legal_hold", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.device} {self.starts_at:%d/%m/%Y %H:%M}–{self.ends_at:%H:%M}"


class Requisition(BaseModel):
    """A judicial requisition of images (CPP 60-1, 77-1-1, 99-3): who asks, on what ground, which cameras."""

    member_path = "protected_site__site__member"

    protected_site = models.ForeignKey(
        "supervision.ProtectedSite",
        verbose_name=_("site protégé"),
        on_delete=models.PROTECT,
        related_name="requisitions",
    )
    number = models.CharField(_("numéro de la réquisition"), max_length=100)
    legal_basis = models.CharField(_("fondement"), max_length=16, choices=RequisitionBasis.choices)
    officer_name = models.CharField(_("officier requérant"), max_length=150)
    officer_quality = models.CharField(_("qualité de l'officier"), max_length=150, help_text=_("OPJ, APJ…"))
    service = models.CharField(_("service requérant"), max_length=200)
    service_email = models.EmailField(_("courriel du service"), blank=True)
    received_on = models.DateField(_("reçue le"))
    status = models.CharField(
        _("statut"), max_length=16, choices=RequisitionStatus.choices, default=RequisitionStatus.RECEIVED
    )
    note = models.TextField(_("observations"), blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enregistrée par"), on_delete=models.PROTECT, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("réquisition judiciaire")
        verbose_name_plural = _("réquisitions judiciaires")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "number"],
                name="unique_requisition_number_per_service",
                violation_error_message=_("Cette réquisition de ce service est déjà enregistrée."),
            )
        ]

    def __str__(self) -> str:
        return self.number


class RequisitionRange(models.Model):
    """One camera and time range a requisition asks for."""

    member_path = "requisition__protected_site__site__member"

    requisition = models.ForeignKey(
        Requisition, verbose_name=_("réquisition"), on_delete=models.CASCADE, related_name="ranges"
    )
    device = models.ForeignKey(
        "supervision.Device", verbose_name=_("caméra"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("du"))
    ends_at = models.DateTimeField(_("au"))

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["requisition", "starts_at", "pk"]
        verbose_name = _("plage requise")
        verbose_name_plural = _("plages requises")

    def __str__(self) -> str:
        return f"{self.device} {self.starts_at:%d/%m/%Y %H:%M}–{self.ends_at:%d/%m/%Y %H:%M}"


class EvidenceItem(BaseModel):
    """A file kept as evidence (an extract of a recording, a snapshot, a clip), with its digest and legal hold."""

    member_path = "protected_site__site__member"

    protected_site = models.ForeignKey(
        "supervision.ProtectedSite", verbose_name=_("site protégé"), on_delete=models.PROTECT, related_name="evidence"
    )
    device = models.ForeignKey(
        "supervision.Device",
        verbose_name=_("caméra"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    alarm = models.ForeignKey(
        "supervision.Alarm",
        verbose_name=_("alarme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence_items",
    )
    requisition = models.ForeignKey(
        Requisition,
        verbose_name=_("réquisition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    kind = models.CharField(_("nature"), max_length=16, choices=EvidenceKind.choices)
    label = models.CharField(_("intitulé"), max_length=255)
    file = models.FileField(_("fichier"), upload_to="supervision/evidence/%Y/%m/%d/", max_length=255)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    starts_at = models.DateTimeField(_("début"), null=True, blank=True)
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    # A recording's digest when the item was copied from one: the chain of custody back to the source.
    source_sha256 = models.CharField(_("empreinte de l'enregistrement source"), max_length=64, blank=True)
    legal_hold = models.BooleanField(_("conservation judiciaire"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("extrait par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("élément de preuve")
        verbose_name_plural = _("éléments de preuve")

    def __str__(self) -> str:
        return self.label


class Handover(BaseModel):
    """The handover of a signed export to the requesting service: support, recipient, date."""

    member_path = "requisition__protected_site__site__member"

    requisition = models.ForeignKey(
        Requisition, verbose_name=_("réquisition"), on_delete=models.PROTECT, related_name="handovers"
    )
    support = models.CharField(_("support"), max_length=16, choices=HandoverSupport.choices)
    recipient_name = models.CharField(_("destinataire"), max_length=150)
    recipient_quality = models.CharField(_("qualité du destinataire"), max_length=150)
    handed_over_at = models.DateTimeField(_("remis le"))
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("remis par"), on_delete=models.PROTECT, related_name="+"
    )
    export = models.FileField(_("export signé"), upload_to="supervision/exports/%Y/%m/", max_length=255)
    export_sha256 = models.CharField(_("empreinte de l'export"), max_length=64)
    manifest = models.JSONField(_("manifeste"), default=dict)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-handed_over_at"]
        verbose_name = _("remise de preuves")
        verbose_name_plural = _("remises de preuves")

    def __str__(self) -> str:
        return f"{self.requisition} → {self.recipient_name}"


class AccessRequest(BaseModel):
    """A person's request to see the recordings concerning them or to check their destruction (CSI L253-5)."""

    member_path = "protected_site__site__member"

    protected_site = models.ForeignKey(
        "supervision.ProtectedSite",
        verbose_name=_("site protégé"),
        on_delete=models.PROTECT,
        related_name="access_requests",
    )
    kind = models.CharField(_("demande"), max_length=16, choices=AccessRequestKind.choices)
    requester_name = models.CharField(_("demandeur"), max_length=150)
    requester_contact = models.CharField(_("coordonnées du demandeur"), max_length=255)
    identity_checked = models.BooleanField(_("identité vérifiée"), default=False)
    received_on = models.DateField(_("reçue le"))
    deadline = models.DateField(_("réponse due le"))
    device = models.ForeignKey(
        "supervision.Device",
        verbose_name=_("caméra"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("période du"))
    ends_at = models.DateTimeField(_("au"))
    description = models.TextField(_("précisions (tenue, lieu…)"), blank=True, max_length=5000)
    decision = models.CharField(_("réponse"), max_length=24, choices=AccessDecision.choices, blank=True, default="")
    refusal_ground = models.CharField(
        _("motif du refus"), max_length=24, choices=RefusalGround.choices, blank=True, default=""
    )
    masking_note = models.TextField(_("occultations (tiers)"), blank=True, max_length=5000)
    answer = models.TextField(_("texte de la réponse"), blank=True, max_length=10000)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("répondue par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    export = models.FileField(_("export remis"), upload_to="supervision/access/%Y/%m/", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enregistrée par"), on_delete=models.PROTECT, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("demande d'accès aux images")
        verbose_name_plural = _("demandes d'accès aux images")

    def __str__(self) -> str:
        return f"{self.requester_name} ({self.received_on:%d/%m/%Y})"


class RegisterEntry(models.Model):
    """A line of the legal register kept for each system (recordings made, destruction dates, transmissions to the
    prosecutor, answers to access requests): append-only, kept after the images themselves are gone."""

    member_path = "protected_site__site__member"

    at = models.DateTimeField(_("le"), db_index=True)
    kind = models.CharField(_("nature"), max_length=24, choices=RegisterKind.choices)
    protected_site = models.ForeignKey(
        "supervision.ProtectedSite", verbose_name=_("site protégé"), on_delete=models.PROTECT, related_name="register"
    )
    device_label = models.CharField(_("caméra"), max_length=150, blank=True)
    starts_at = models.DateTimeField(_("période du"), null=True, blank=True)
    ends_at = models.DateTimeField(_("au"), null=True, blank=True)
    reference = models.CharField(_("référence"), max_length=150, blank=True)
    recipient = models.CharField(_("destinataire"), max_length=255, blank=True)
    detail = models.TextField(_("détail"), blank=True)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("ligne du registre")
        verbose_name_plural = _("registre")
        indexes = [models.Index(fields=["protected_site", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()}"


class RiskStudy(BaseModel):
    """A member's request for a security study of one of its sites, the operator's assessment, and the quote it
    becomes (then orders, through purchasing)."""

    site = models.ForeignKey("members.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    member_path = "site__member"
    status = models.CharField(_("statut"), max_length=16, choices=StudyStatus.choices, default=StudyStatus.REQUESTED)
    request_note = models.TextField(_("besoin exprimé"), max_length=5000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("demandée par"), on_delete=models.PROTECT, related_name="+"
    )
    threats = models.TextField(_("menaces identifiées"), blank=True, max_length=10000)
    zones = models.TextField(_("zones à protéger"), blank=True, max_length=10000)
    recommendations = models.TextField(_("préconisations"), blank=True, max_length=10000)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("étude réalisée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    quoted_at = models.DateTimeField(_("devis transmis le"), null=True, blank=True)
    ordered_at = models.DateTimeField(_("commandée le"), null=True, blank=True)
    orders = models.ManyToManyField("purchasing.Order", verbose_name=_("commandes"), blank=True, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("étude de sûreté")
        verbose_name_plural = _("études de sûreté")

    def __str__(self) -> str:
        return _("Étude n° %(pk)s — %(site)s") % {"pk": self.pk, "site": self.site}


class RiskStudyLine(models.Model):
    """A device the study recommends, from the purchasing catalogue."""

    member_path = "study__site__member"

    study = models.ForeignKey(RiskStudy, verbose_name=_("étude"), on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        "purchasing.CatalogueItem", verbose_name=_("article du catalogue"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantité"), validators=[MinValueValidator(1)])
    location = models.CharField(_("emplacement préconisé"), max_length=200, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["study", "pk"]
        verbose_name = _("équipement préconisé")
        verbose_name_plural = _("équipements préconisés")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item}"
