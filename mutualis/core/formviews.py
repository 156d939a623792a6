"""The one form → service → errors path of every page (HackSoft: views only parse input and call a service).

A view builds its form, and hands `form_page` what to do with valid data (`on_valid`, which calls the service and
returns the redirect). A service's ValidationError is shown on the form, field by field, and the page answers 400;
nothing else in a view catches ValidationError.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mutualis.core.forms import apply_service_errors


def submit_form(
    request: HttpRequest,
    form: forms.Form,
    on_valid: Callable[[], HttpResponse],
    *,
    field_map: dict[str, str] | None = None,
) -> HttpResponse | None:
    """On POST, validate the form and run `on_valid`; its response, or None when the form must be shown again
    (with the form's or the service's errors on it)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return on_valid()
    except ValidationError as exc:
        apply_service_errors(form, exc, field_map)
        return None


def form_status(request: HttpRequest, form: forms.Form | None = None) -> int:
    """200 for a page shown, 400 for a form sent back with errors."""
    return 400 if request.method == "POST" and (form is None or form.errors) else 200


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    template: str,
    on_valid: Callable[[], HttpResponse],
    context: dict[str, Any] | None = None,
    field_map: dict[str, str] | None = None,
) -> HttpResponse:
    """GET shows the form; a valid POST calls `on_valid`; errors come back on the form in French, with 400."""
    response = submit_form(request, form, on_valid, field_map=field_map)
    if response is not None:
        return response
    return render(request, template, {"form": form} | (context or {}), status=form_status(request, form))
