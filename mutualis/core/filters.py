"""django-filter building blocks shared by the apps' list filters."""

from typing import Any

import django_filters
from django import forms

from mutualis.core.validation import MAX_ID


class IdFilter(django_filters.NumberFilter):
    """A primary key in the query string: a whole number from 1 to MAX_ID, otherwise a French field error (400)
    rather than a number the database cannot hold."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
