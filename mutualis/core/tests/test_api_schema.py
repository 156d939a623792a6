"""The OpenAPI schema describes the whole API without warnings."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_openapi_schema_generates_without_warnings(tmp_path):
    """drf-spectacular validates the schema and fails on any warning (missing serializer, unknown type…)."""
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/communes/" in out.read_text()
