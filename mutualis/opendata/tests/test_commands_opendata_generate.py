"""manage.py opendata_generate: generate the named datasets (or all) now, refuse an unknown one."""

import pytest
from django.core.management import CommandError, call_command

from mutualis.opendata import registry
from mutualis.opendata.models import Generation

pytestmark = pytest.mark.django_db


def test_the_command_generates_the_named_datasets(catalogue_data, capsys):
    """manage.py opendata_generate decp generates DECP only and prints its outcome."""
    call_command("opendata_generate", "decp")
    assert "decp : Valide" in capsys.readouterr().out
    assert list(Generation.objects.values_list("dataset", flat=True)) == ["decp"]


def test_the_command_refuses_an_unknown_dataset(db):
    """An unknown slug is refused with the known ones, and nothing is generated."""
    with pytest.raises(CommandError, match="Jeu de données inconnu : nope"):
        call_command("opendata_generate", "nope")
    assert not Generation.objects.exists()


def test_the_command_generates_everything_by_default(catalogue_data):
    """Without a slug every dataset is generated."""
    call_command("opendata_generate")
    assert set(Generation.objects.values_list("dataset", flat=True)) == {d.slug for d in registry.datasets()}
