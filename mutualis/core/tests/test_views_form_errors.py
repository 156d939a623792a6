"""The summary « Le formulaire contient des erreurs » (components/form_errors.html, RGAA 11.10-11.11): it links to
every field in error by its label, lists the form's own errors as text, and loads the script that focuses it."""

import re

import pytest
from django.template.loader import render_to_string

from mutualis.accounts.tests.factories import UserFactory
from mutualis.core.testing import login_as
from mutualis.members.testing import rows

pytestmark = pytest.mark.django_db


def _summary(body: str) -> str:
    match = re.search(r'<div class="alert alert-error form-errors"[^>]*>(.*?)</div>', body, re.DOTALL)
    assert match, "no error summary on the page"
    return match.group(0)


def test_the_summary_links_each_field_in_error_by_its_label(world, client):
    """An invitation with a bad address and a too-long name comes back with a summary linking to both fields (by
    their id and label, in the form's order), focusable, with its script; the fields keep their own messages."""
    login_as(client, world.manager)
    before = rows(type(world.manager).objects.all())
    response = client.post(
        f"/espace/{world.member_a.pk}/utilisateurs/inviter/",
        {"email": "pas-une-adresse", "last_name": "N" * 151, "role": "reader"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    summary = _summary(body)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "data-form-errors" in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert links == [("id_email", "Adresse électronique"), ("id_last_name", "Nom")]
    assert 'id="id_email"' in body and 'id="id_last_name"' in body
    assert '<script src="/static/core/form-errors.js" defer></script>' in body
    assert rows(type(world.manager).objects.all()) == before


def test_the_forms_own_errors_are_listed_as_text(client):
    """A wrong password is the form's own error: listed in the summary as text, with no link."""
    user = UserFactory()
    response = client.post("/compte/connexion/", {"email": user.email, "password": "faux"})
    summary = _summary(response.content.decode())
    assert "<li>Adresse électronique ou mot de passe incorrect.</li>" in summary
    assert "<a " not in summary


def test_a_hidden_fields_error_is_listed_as_text():
    """A hidden field cannot be reached: its message is listed as text instead of a link."""
    from django import forms

    class Form(forms.Form):
        step = forms.IntegerField(widget=forms.HiddenInput)

    summary = _summary(render_to_string("components/form_errors.html", {"form": Form({"step": "x"})}))
    assert "<li>Saisissez un nombre entier.</li>" in summary and "<a " not in summary


def test_no_summary_without_errors(client):
    """A form shown for the first time has no summary and loads no script."""
    body = client.get("/compte/connexion/").content.decode()
    assert "form-errors" not in body
