from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.members.validators import validate_siret
from mutualis.purchasing.choices import AgreementStatus, ItemCategory, Procedure
from mutualis.purchasing.validators import validate_cpv, validate_iban


class Supplier(BaseModel):
    """A company holding one or more lots (titulaire)."""

    name = models.CharField(_("raison sociale"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, unique=True, validators=[validate_siret])
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    email = models.EmailField(_("courriel des commandes"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("fournisseur")
        verbose_name_plural = _("fournisseurs")

    def __str__(self) -> str:
        return self.name

    @property
    def siren(self) -> str:
        return self.siret[:9]


class SupplierContact(BaseModel):
    """A person at a supplier (orders, invoicing, after-sales)."""

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("fournisseur"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("nom"), max_length=200)
    role = models.CharField(_("fonction"), max_length=100, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact fournisseur")
        verbose_name_plural = _("contacts fournisseurs")

    def __str__(self) -> str:
        return self.name


class FrameworkAgreement(BaseModel):
    """An accord-cadre à bons de commande awarded by the operator as a centrale d'achat (CCP L2113-2)."""

    reference = models.CharField(_("référence"), max_length=50, unique=True)
    subject = models.CharField(_("objet"), max_length=255)
    cpv_code = models.CharField(_("code CPV"), max_length=10, validators=[validate_cpv], help_text=_("ex. 30213200-7"))
    procedure = models.CharField(_("procédure"), max_length=32, choices=Procedure.choices)
    notification_date = models.DateField(_("date de notification"))
    start_date = models.DateField(_("date de début d'exécution"))
    duration_months = models.PositiveSmallIntegerField(
        _("durée (mois)"), validators=[MinValueValidator(1)], help_text=_("4 ans au plus (CCP L2125-1).")
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    # Empty means every kind of member may order; otherwise the MemberKind values allowed.
    allowed_member_kinds = models.JSONField(_("natures d'adhérents autorisées"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Published as `offresRecues` in the DECP; empty for agreements recorded before it was asked.
    offers_received = models.PositiveIntegerField(
        _("nombre d'offres reçues"),
        null=True,
        blank=True,
        help_text=_("Au moins une, et pas moins que le nombre de titulaires ; publié dans les données essentielles."),
    )

    class Meta:
        ordering = ["-notification_date", "reference"]
        verbose_name = _("accord-cadre")
        verbose_name_plural = _("accords-cadres")

    def __str__(self) -> str:
        return f"{self.reference} — {self.subject}"


class Amendment(BaseModel):
    """An avenant (modification) of a framework agreement; its price changes apply from an effective date."""

    agreement = models.ForeignKey(
        FrameworkAgreement, verbose_name=_("accord-cadre"), on_delete=models.CASCADE, related_name="amendments"
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    subject = models.CharField(_("objet"), max_length=255)
    signed_date = models.DateField(_("date de signature"))
    effective_date = models.DateField(_("date d'effet"))
    duration_change_months = models.SmallIntegerField(_("modification de durée (mois)"), default=0)
    amount_change_ht = models.DecimalField(
        _("modification du montant HT"), default=Decimal("0"), max_digits=14, decimal_places=2
    )

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("avenant")
        verbose_name_plural = _("avenants")
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="unique_amendment_number")]

    def __str__(self) -> str:
        return f"{self.agreement.reference} — avenant n° {self.number}"


class Lot(BaseModel):
    """A lot of a framework agreement: holders, a maximum (and optional minimum) amount HT (CCP R2162-4)."""

    agreement = models.ForeignKey(
        FrameworkAgreement, verbose_name=_("accord-cadre"), on_delete=models.CASCADE, related_name="lots"
    )
    number = models.PositiveSmallIntegerField(_("numéro de lot"))
    title = models.CharField(_("intitulé"), max_length=255)
    max_amount_ht = models.DecimalField(
        _("montant maximum HT"), validators=[MinValueValidator(Decimal("0.01"))], max_digits=14, decimal_places=2
    )
    min_amount_ht = models.DecimalField(_("montant minimum HT"), null=True, blank=True, max_digits=14, decimal_places=2)
    # Sum of the validated orders' amounts HT; only changed under a row lock by the order services.
    consumed_amount_ht = models.DecimalField(
        _("montant consommé HT"), default=Decimal("0"), max_digits=14, decimal_places=2
    )
    holders = models.ManyToManyField(Supplier, verbose_name=_("titulaires"), through="LotHolder", related_name="lots")

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="unique_lot_number")]

    def __str__(self) -> str:
        return f"{self.agreement.reference} lot {self.number} — {self.title}"


class LotHolder(BaseModel):
    """A supplier holding a lot (several for a multi-attributaire agreement, ranked)."""

    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.CASCADE, related_name="lot_holders")
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("fournisseur"), on_delete=models.PROTECT, related_name="lot_holdings"
    )
    rank = models.PositiveSmallIntegerField(_("rang"), default=1)

    class Meta:
        ordering = ["lot", "rank"]
        verbose_name = _("titulaire")
        verbose_name_plural = _("titulaires")
        constraints = [models.UniqueConstraint(fields=["lot", "supplier"], name="unique_lot_holder")]

    def __str__(self) -> str:
        return f"{self.lot} — {self.supplier}"


class CatalogueItem(BaseModel):
    """A line of a lot's unit-price schedule (BPU); its price over time is in ItemPrice."""

    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.CASCADE, related_name="items")
    reference = models.CharField(_("référence"), max_length=50)
    label = models.CharField(_("désignation"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("catégorie"), max_length=32, choices=ItemCategory.choices)
    unit = models.CharField(_("unité"), max_length=30, default="unité")
    vat_rate = models.DecimalField(_("taux de TVA (%)"), max_digits=5, decimal_places=2, default=Decimal("20.00"))
    list_price_ht = models.DecimalField(
        _("prix public HT"),
        null=True,
        blank=True,
        help_text=_("Sert à chiffrer l'économie réalisée."),
        max_digits=14,
        decimal_places=4,
    )
    serialized = models.BooleanField(_("suivi par numéro de série"), default=True)
    warranty_months = models.PositiveSmallIntegerField(_("garantie (mois)"), default=24)
    is_active = models.BooleanField(_("au catalogue"), default=True)

    class Meta:
        ordering = ["lot", "reference"]
        verbose_name = _("article du catalogue")
        verbose_name_plural = _("articles du catalogue")
        constraints = [models.UniqueConstraint(fields=["lot", "reference"], name="unique_item_reference_per_lot")]

    def __str__(self) -> str:
        return f"{self.reference} — {self.label}"


class ItemPrice(BaseModel):
    """The unit price HT of an item from a date (the award, or an amendment's effective date)."""

    item = models.ForeignKey(CatalogueItem, verbose_name=_("article"), on_delete=models.CASCADE, related_name="prices")
    unit_price_ht = models.DecimalField(
        _("prix unitaire HT"), validators=[MinValueValidator(Decimal("0"))], max_digits=14, decimal_places=4
    )
    effective_from = models.DateField(_("applicable à partir du"))
    amendment = models.ForeignKey(
        Amendment, verbose_name=_("avenant"), null=True, blank=True, on_delete=models.PROTECT, related_name="prices"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["item", "-effective_from"]
        verbose_name = _("prix unitaire")
        verbose_name_plural = _("prix unitaires")
        constraints = [models.UniqueConstraint(fields=["item", "effective_from"], name="unique_item_price_date")]

    def __str__(self) -> str:
        return f"{self.item.reference} : {self.unit_price_ht} € HT dès le {self.effective_from}"
