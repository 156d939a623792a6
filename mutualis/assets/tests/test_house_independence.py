"""The fleet outlives the purchase: nothing in the assets app imports or names the purchasing app."""

import ast
import re
from pathlib import Path

import mutualis.assets

APP = Path(mutualis.assets.__file__).parent
FORBIDDEN = "purchasing"
# The app by module path, app label ("purchasing.OrderLine", a migration's ("purchasing", "0001_…")) or template
# namespace; the operator's staff role "purchasing_officer" belongs to accounts and is not the app.
REFERENCE = re.compile(r"""mutualis\.purchasing|['"]purchasing['".:/]""")


def _sources() -> list[Path]:
    """Every Python file of the app (code, tests, migrations), this test excepted (it must name what it forbids)."""
    return sorted(p for p in APP.rglob("*.py") if p.resolve() != Path(__file__).resolve())


def test_no_assets_module_imports_purchasing():
    """No `import` or `from … import` in the assets app reaches mutualis.purchasing."""
    offenders = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(APP)}: {name}" for name in names if FORBIDDEN in name.split(".")]
    assert offenders == []


def test_no_assets_source_names_purchasing():
    """Nor a string naming the app (a foreign key target, a migration dependency, a URL or template name)."""
    files = _sources() + sorted((APP / "templates").rglob("*.html"))
    offenders = [str(p.relative_to(APP)) for p in files if REFERENCE.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_assets_migration_depends_on_purchasing():
    """The assets migrations apply with core, members and territory alone."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    dependencies = {
        parent[0]
        for key, migration in loader.disk_migrations.items()
        if key[0] == "assets"
        for parent in migration.dependencies
    }
    assert FORBIDDEN not in dependencies
