"""Statuses and kinds of the purchasing app, with the allowed order transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Procedure(models.TextChoices):
    """Award procedure of a framework agreement (Code de la commande publique)."""

    OPEN_TENDER = "open_tender", _("Appel d'offres ouvert")
    RESTRICTED_TENDER = "restricted_tender", _("Appel d'offres restreint")
    ADAPTED = "adapted", _("Procédure adaptée")
    COMPETITIVE_DIALOGUE = "competitive_dialogue", _("Dialogue compétitif")
    NEGOTIATED = "negotiated", _("Procédure avec négociation")
    NO_COMPETITION = "no_competition", _("Marché passé sans publicité ni mise en concurrence préalables")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    ACTIVE = "active", _("En vigueur")
    ENDED = "ended", _("Terminé")


class ItemCategory(models.TextChoices):
    TABLET = "tablet", _("Tablettes et ordinateurs")
    AUDIO = "audio", _("Micros et audio")
    ROBOT = "robot", _("Robots et programmation")
    WEBTV = "webtv", _("Web TV / web radio")
    PROJECTOR = "projector", _("Vidéoprojecteurs et écrans interactifs")
    FURNITURE = "furniture", _("Mobilier de classe numérique")
    VIDEO_PROTECTION = "video_protection", _("Vidéoprotection")
    TELECOM = "telecom", _("Télécommunications")
    EV_CHARGER = "ev_charger", _("Bornes de recharge")
    SERVICE = "service", _("Prestations de service")
    OTHER = "other", _("Autre")


class OrderStatus(models.TextChoices):
    """An order's life: draft → submitted → approved → validated → sent → (partially) delivered → service certified
    → invoiced → paid; rejected or cancelled with a reason."""

    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumise")
    APPROVED = "approved", _("Approuvée par l'adhérent")
    VALIDATED = "validated", _("Validée par la centrale")
    SENT = "sent", _("Envoyée au fournisseur")
    PARTIALLY_DELIVERED = "partially_delivered", _("Livrée partiellement")
    DELIVERED = "delivered", _("Livrée")
    SERVICE_CERTIFIED = "service_certified", _("Service fait certifié")
    INVOICED = "invoiced", _("Facturée")
    PAID = "paid", _("Payée")
    REJECTED = "rejected", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")


ORDER_TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.DRAFT: {OrderStatus.SUBMITTED, OrderStatus.CANCELLED},
    OrderStatus.SUBMITTED: {OrderStatus.APPROVED, OrderStatus.VALIDATED, OrderStatus.REJECTED, OrderStatus.CANCELLED},
    OrderStatus.APPROVED: {OrderStatus.VALIDATED, OrderStatus.REJECTED, OrderStatus.CANCELLED},
    OrderStatus.VALIDATED: {OrderStatus.SENT, OrderStatus.CANCELLED},
    OrderStatus.SENT: {OrderStatus.PARTIALLY_DELIVERED, OrderStatus.DELIVERED},
    OrderStatus.PARTIALLY_DELIVERED: {OrderStatus.PARTIALLY_DELIVERED, OrderStatus.DELIVERED},
    OrderStatus.DELIVERED: {OrderStatus.SERVICE_CERTIFIED},
    OrderStatus.SERVICE_CERTIFIED: {OrderStatus.INVOICED},
    OrderStatus.INVOICED: {OrderStatus.PAID},
    OrderStatus.PAID: set(),
    OrderStatus.REJECTED: set(),
    OrderStatus.CANCELLED: set(),
}
# Statuses that need a reason.
REASON_REQUIRED = {OrderStatus.REJECTED, OrderStatus.CANCELLED}
# Statuses whose amount counts against the lot maximum (validated onwards, not rejected or cancelled).
CONSUMING_STATUSES = {
    OrderStatus.VALIDATED,
    OrderStatus.SENT,
    OrderStatus.PARTIALLY_DELIVERED,
    OrderStatus.DELIVERED,
    OrderStatus.SERVICE_CERTIFIED,
    OrderStatus.INVOICED,
    OrderStatus.PAID,
}


class InvoiceStatus(models.TextChoices):
    RECEIVED = "received", _("Reçue")
    SUSPENDED = "suspended", _("Délai suspendu (pièces manquantes)")
    PAID = "paid", _("Payée")
    REJECTED = "rejected", _("Rejetée")
