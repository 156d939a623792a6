"""Filters of the alarms pages and API (django-filter validates the query; French errors, HTTP 400)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from mutualis.core.filters import IdFilter
from mutualis.supervision.choices import AlarmCategory, AlarmStatus, Priority
from mutualis.supervision.models import Alarm


class AlarmFilterSet(django_filters.FilterSet):
    """Alarms by status, site, priority, category and since when (last event)."""

    status = django_filters.ChoiceFilter(choices=AlarmStatus.choices, label=_("Statut"), empty_label=_("Tous"))
    site = IdFilter(
        field_name="protected_site_id", label=_("Site protégé"), help_text=_("Identifiant du site protégé.")
    )
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priorité"), empty_label=_("Toutes"))
    category = django_filters.ChoiceFilter(choices=AlarmCategory.choices, label=_("Catégorie"), empty_label=_("Toutes"))
    since = django_filters.IsoDateTimeFilter(
        field_name="last_event_at",
        lookup_expr="gte",
        label=_("Depuis"),
        help_text=_("Dernier événement à partir de cette date (ISO 8601)."),
    )

    class Meta:
        model = Alarm
        fields: list[str] = []
