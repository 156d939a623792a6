"""Filters of the purchasing lists, shared by the pages (through the selectors' `filters`) and the API
(`filterset_class`, which documents them in the OpenAPI schema and answers 400 to a value it cannot read).

Identifiers are filtered without checking that the object exists, so a filter never tells another member's id
from one that does not exist: both simply find nothing.
"""

import datetime
from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualis.core.filters import IdFilter
from mutualis.core.forms import AmountField
from mutualis.purchasing.choices import AgreementStatus, InvoiceStatus, ItemCategory, OrderStatus
from mutualis.purchasing.models import (
    CatalogueItem,
    ConsolidatedOrder,
    FrameworkAgreement,
    Invoice,
    Lot,
    Order,
    Supplier,
)
from mutualis.territory.models import Departement

TRUE_VALUES = {"1", "true", "True", "on"}


def apply_filters(
    filterset_class: type[django_filters.FilterSet], filters: Any, queryset: QuerySet, **kwargs: Any
) -> QuerySet:
    """The queryset narrowed by the filters a FilterSet can read (a value it cannot read is left out)."""
    if not filters:
        return queryset
    return filterset_class(filters, queryset=queryset, **kwargs).qs


class _IdOrObjectField(forms.IntegerField):
    """An identifier typed in a query string, or the object a page's form has already found."""

    def to_python(self, value: Any) -> int | None:
        return super().to_python(getattr(value, "pk", value))


class RelatedIdFilter(IdFilter):
    """A related object by id (or the object itself, from a page's form)."""

    field_class = _IdOrObjectField


class AmountFilter(django_filters.NumberFilter):
    """An amount typed the French way (« 1 234,50 ») or with a decimal point."""

    field_class = AmountField


def _search(queryset: QuerySet, value: str, *fields: str, also: Callable[[str], Q] | None = None) -> QuerySet:
    """Rows where one of `fields` contains the text (case as the database compares it), or that `also(text)`
    matches; all rows for an empty text."""
    text = (value or "").strip()
    if not text:
        return queryset
    condition = also(text) if also else Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": text})
    return queryset.filter(condition)


class OrderFilter(django_filters.FilterSet):
    """Orders by status, member, département, agreement, lot, supplier, number, EJ and creation dates."""

    status = django_filters.ChoiceFilter(label=_("Statut"), choices=OrderStatus.choices)
    member = RelatedIdFilter(label=_("Adhérent"), field_name="member_id", help_text=_("Identifiant de l'adhérent."))
    departement = django_filters.ModelChoiceFilter(
        label=_("Département"),
        field_name="member__departement",
        queryset=Departement.objects.all(),
        to_field_name="code",
        help_text=_("Code du département de l'adhérent."),
    )
    agreement = RelatedIdFilter(
        label=_("Accord-cadre"), field_name="lot__agreement_id", help_text=_("Identifiant de l'accord-cadre.")
    )
    lot = RelatedIdFilter(label=_("Lot"), field_name="lot_id", help_text=_("Identifiant du lot."))
    supplier = RelatedIdFilter(
        label=_("Fournisseur"), field_name="supplier_id", help_text=_("Identifiant du fournisseur.")
    )
    number = django_filters.CharFilter(label=_("Numéro"), field_name="number", lookup_expr="icontains")
    ej = django_filters.CharFilter(label=_("Numéro EJ"), field_name="ej_number", lookup_expr="icontains")
    date_from = django_filters.DateFilter(
        label=_("Créée à partir du"), field_name="created_at__date", lookup_expr="gte"
    )
    date_to = django_filters.DateFilter(label=_("Créée jusqu'au"), field_name="created_at__date", lookup_expr="lte")

    class Meta:
        model = Order
        fields = ["status", "member", "departement", "agreement", "lot", "supplier", "number", "ej"]


class ConsolidatedOrderFilter(django_filters.FilterSet):
    """Consolidated purchase orders by keyword."""

    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="search",
        help_text=_("Numéro, fournisseur, référence de l'accord-cadre ou numéro d'une commande regroupée."),
    )

    class Meta:
        model = ConsolidatedOrder
        fields = ["q"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        def holding(text: str) -> Q:
            return Q(pk__in=Order.objects.filter(number__icontains=text).values("consolidation_id"))

        return _search(queryset, value, "number", "supplier__name", "lot__agreement__reference", also=holding)


class SupplierFilter(django_filters.FilterSet):
    """Suppliers by name or SIRET."""

    q = django_filters.CharFilter(label=_("Nom ou SIRET"), method="search", help_text=_("Nom ou SIRET."))

    class Meta:
        model = Supplier
        fields = ["q"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, value, "name", also=lambda text: Q(siret__icontains=text.replace(" ", "")))


class AgreementFilter(django_filters.FilterSet):
    """Framework agreements by status, CPV code (its beginning) and keyword."""

    status = django_filters.ChoiceFilter(label=_("Statut"), choices=AgreementStatus.choices)
    cpv = django_filters.CharFilter(
        label=_("Code CPV"), field_name="cpv_code", lookup_expr="startswith", help_text=_("Début du code CPV.")
    )
    q = django_filters.CharFilter(
        label=_("Mot-clé"), method="search", help_text=_("Mot-clé (référence, objet, lot, titulaire).")
    )

    class Meta:
        model = FrameworkAgreement
        fields = ["status", "cpv", "q"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        fields = ("reference", "subject", "description", "lots__title", "lots__holders__name")
        return _search(queryset, value, *fields).distinct()


class LotFilter(django_filters.FilterSet):
    """Lots of one agreement."""

    agreement = RelatedIdFilter(
        label=_("Accord-cadre"), field_name="agreement_id", help_text=_("Identifiant de l'accord-cadre.")
    )

    class Meta:
        model = Lot
        fields = ["agreement"]


class ItemFilter(django_filters.FilterSet):
    """Catalogue items by agreement, lot, category, price in force (the `current_price_ht` annotation) and
    keyword."""

    price_field = "current_price_ht"

    agreement = RelatedIdFilter(
        label=_("Accord-cadre"), field_name="lot__agreement_id", help_text=_("Identifiant de l'accord-cadre.")
    )
    lot = RelatedIdFilter(label=_("Lot"), field_name="lot_id", help_text=_("Identifiant du lot."))
    category = django_filters.ChoiceFilter(label=_("Catégorie"), choices=ItemCategory.choices)
    min_price = AmountFilter(
        label=_("Prix HT minimum"), method="price_from", help_text=_("Prix unitaire HT en vigueur minimum.")
    )
    max_price = AmountFilter(
        label=_("Prix HT maximum"), method="price_to", help_text=_("Prix unitaire HT en vigueur maximum.")
    )
    q = django_filters.CharFilter(
        label=_("Mot-clé"), method="search", help_text=_("Mot-clé (référence, désignation, description).")
    )

    class Meta:
        model = CatalogueItem
        fields = ["agreement", "lot", "category", "min_price", "max_price", "q"]

    def price_from(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(**{f"{self.price_field}__gte": value})

    def price_to(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(**{f"{self.price_field}__lte": value})

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, value, "reference", "label", "description")


class CatalogueFilter(ItemFilter):
    """The members' catalogue: the same filters, on the price orderable today (the `current_price` annotation)."""

    price_field = "current_price"


class InvoiceFilter(django_filters.FilterSet):
    """Invoices by keyword, status, supplier, member, overdue on `today`; `sort` orders them."""

    q = django_filters.CharFilter(
        label=_("Recherche"), method="search", help_text=_("N° de facture, de commande ou EJ.")
    )
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=InvoiceStatus.choices)
    supplier = RelatedIdFilter(
        label=_("Fournisseur"), field_name="supplier_id", help_text=_("Identifiant du fournisseur.")
    )
    member = RelatedIdFilter(
        label=_("Adhérent"), field_name="order__member_id", help_text=_("Identifiant de l'adhérent.")
    )
    overdue = django_filters.CharFilter(
        label=_("En retard seulement"),
        method="overdue_only",
        help_text=_("true ou 1 : seulement les factures impayées dont l'échéance est passée."),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Tri"),
        method="sort_by",
        choices=[
            ("received", _("Réception (les plus récentes d'abord)")),
            ("due", _("Échéance (les plus urgentes d'abord)")),
        ],
        help_text=_(
            "received (défaut) : les plus récemment reçues d'abord ; due : les impayées d'abord, par échéance "
            "croissante (sans échéance ensuite), puis les payées, dernier paiement d'abord."
        ),
    )

    class Meta:
        model = Invoice
        fields = ["q", "status", "supplier", "member", "overdue", "sort"]

    def __init__(self, *args: Any, today: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, value, "number", "order__number", "order__ej_number")

    def overdue_only(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(overdue_q(self.today)) if str(value) in TRUE_VALUES else queryset

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value != "due":
            return queryset.order_by("-received_on", "-pk")
        paid_last = Case(When(status=InvoiceStatus.PAID, then=Value(1)), default=Value(0), output_field=IntegerField())
        # Unpaid invoices have no payment date, so within them the due date decides.
        return queryset.order_by(
            paid_last.asc(),
            F("paid_on").desc(nulls_last=True),
            F("due_date").asc(nulls_last=True),
            "-received_on",
            "-pk",
        )


def overdue_q(today: datetime.date) -> Q:
    """Unpaid and past the stored due date on `today`: the SQL form of the clock's `overdue` (days late > 0)."""
    return ~Q(status=InvoiceStatus.PAID) & Q(due_date__lt=today)
