"""load_demo_opendata: the demo's files generated once, nothing more when run again."""

import pytest
from django.core.management import call_command

from mutualis.opendata import registry
from mutualis.opendata.models import Generation

pytestmark = pytest.mark.django_db


def test_the_demo_generates_every_dataset_once(catalogue_data, capsys):
    """A first run generates every dataset; a second run, with nothing changed, generates none."""
    call_command("load_demo_opendata")
    assert Generation.objects.count() == len(registry.datasets())
    call_command("load_demo_opendata")
    assert Generation.objects.count() == len(registry.datasets())
    assert "fichiers déjà à jour" in capsys.readouterr().out
