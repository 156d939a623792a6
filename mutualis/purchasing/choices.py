"""Statuses and kinds of the purchasing app, with the order workflow: status × role → allowed next statuses."""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualis.members.choices import MemberRole


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


class OrderRole(models.TextChoices):
    """Who takes a step of an order's workflow: a member's agent or manager, the central purchasing's buyer
    (purchasing officers and administrators), or no person at all — the steps that follow a recorded fact."""

    MEMBER_AGENT = "member_agent", _("Agent de l'adhérent")
    MEMBER_MANAGER = "member_manager", _("Gestionnaire de l'adhérent")
    PURCHASING = "purchasing", _("Acheteur de la centrale")
    FULFILMENT = "fulfilment", _("Livraison, service fait, facture ou paiement enregistré")


class StepCondition(models.TextChoices):
    """When a step of the workflow is open: always, or depending on the member's approval threshold (an order
    whose total HT is above it is approved by a member manager before the central purchasing validates it)."""

    ALWAYS = "always", _("Toujours")
    ABOVE_THRESHOLD = "above_threshold", _("Au-delà du seuil d'approbation de l'adhérent")
    WITHIN_THRESHOLD = "within_threshold", _("Dans la limite du seuil d'approbation de l'adhérent")


_S, _R, _C = OrderStatus, OrderRole, StepCondition
_ANY, _ABOVE, _WITHIN = _C.ALWAYS, _C.ABOVE_THRESHOLD, _C.WITHIN_THRESHOLD
# THE order workflow: status × role → the statuses that role may move the order to (and when). The service
# validates every status change against it and `permissions.get_abilities` answers from it; there is no other copy.
# Fulfilment steps belong to no person: the deliveries and invoices services take them when they record the fact.
ORDER_WORKFLOW: dict[str, dict[str, dict[str, str]]] = {
    _S.DRAFT: {
        _R.MEMBER_AGENT: {_S.SUBMITTED: _ANY, _S.CANCELLED: _ANY},
        _R.MEMBER_MANAGER: {_S.SUBMITTED: _ANY, _S.CANCELLED: _ANY},
    },
    _S.SUBMITTED: {
        _R.MEMBER_AGENT: {_S.CANCELLED: _ANY},
        _R.MEMBER_MANAGER: {_S.APPROVED: _ABOVE, _S.REJECTED: _ABOVE, _S.CANCELLED: _ANY},
        _R.PURCHASING: {_S.VALIDATED: _WITHIN, _S.REJECTED: _WITHIN, _S.CANCELLED: _ANY},
    },
    _S.APPROVED: {
        _R.MEMBER_MANAGER: {_S.CANCELLED: _ANY},
        _R.PURCHASING: {_S.VALIDATED: _ANY, _S.REJECTED: _ANY, _S.CANCELLED: _ANY},
    },
    _S.VALIDATED: {
        _R.MEMBER_MANAGER: {_S.CANCELLED: _ANY},
        _R.PURCHASING: {_S.SENT: _ANY, _S.CANCELLED: _ANY},
    },
    _S.SENT: {_R.FULFILMENT: {_S.PARTIALLY_DELIVERED: _ANY, _S.DELIVERED: _ANY}},
    _S.PARTIALLY_DELIVERED: {_R.FULFILMENT: {_S.PARTIALLY_DELIVERED: _ANY, _S.DELIVERED: _ANY}},
    _S.DELIVERED: {_R.FULFILMENT: {_S.SERVICE_CERTIFIED: _ANY}},
    _S.SERVICE_CERTIFIED: {_R.FULFILMENT: {_S.INVOICED: _ANY}},
    _S.INVOICED: {_R.FULFILMENT: {_S.PAID: _ANY}},
    _S.PAID: {},
    _S.REJECTED: {},
    _S.CANCELLED: {},
}


def order_next_statuses(status: str, roles: Iterable[str], *, above_threshold: bool) -> set[str]:
    """The statuses an order in `status` may move to by one of `roles` (the table read for one order)."""
    row = ORDER_WORKFLOW[status]
    return {
        target
        for role in roles
        for target, condition in row.get(role, {}).items()
        if condition == _ANY or (condition == _ABOVE) == above_threshold
    }


# Read from the table: the statuses where the member's approval threshold decides who takes the next step.
THRESHOLD_STATUSES: frozenset[str] = frozenset(
    status
    for status, row in ORDER_WORKFLOW.items()
    if any(condition != _ANY for steps in row.values() for condition in steps.values())
)
# Read from the table: every status reachable from each status, whoever takes the step.
ORDER_TRANSITIONS: dict[str, set[str]] = {
    status: {target for steps in row.values() for target in steps} for status, row in ORDER_WORKFLOW.items()
}
# Statuses that record a fact with its evidence — a delivery and its serial numbers, service fait, an invoice, a
# payment: reached only through the service recording that fact, never by a bare status change.
FULFILMENT_STATUSES: frozenset[str] = frozenset(
    target for row in ORDER_WORKFLOW.values() for target in row.get(OrderRole.FULFILMENT, {})
)
# The member roles that order for their member (open baskets and drafts, submit them, certify service fait).
ORDERING_ROLES: frozenset[str] = frozenset({MemberRole.AGENT, MemberRole.MANAGER})
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
