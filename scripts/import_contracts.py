"""Rewrite the import-linter contracts of pyproject.toml from the apps in mutualis/ (run after adding an app).

The house rules are the same for every app, so they are generated rather than kept by hand: the socle (core)
imports no app; the territory knows no member-side app; the fleet (assets) imports no purchasing; open data is fed
by the apps through its registry and imports none of them; and no app imports another app's views, forms or API
(only their services, selectors and models). Usage: `python3 scripts/import_contracts.py [--check]`.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
# The order in which apps are listed (the order they were built); new apps are appended alphabetically.
KNOWN_ORDER = ["accounts", "territory", "members", "contributions", "purchasing", "assets", "fibre"]
# Modules of an app that another app must not import: its pages, its forms and its API.
PRIVATE_MODULES = ["views", "api", "forms", "forms_adhesion"]
# Apps the territory may import (it is below the members and the services).
TERRITORY_MAY_IMPORT = {"core", "accounts", "territory"}


def apps() -> list[str]:
    """The Django apps under mutualis/ (packages with an apps.py), core excluded."""
    found = sorted(p.parent.name for p in (ROOT / "mutualis").glob("*/apps.py") if p.parent.name != "core")
    return [a for a in KNOWN_ORDER if a in found] + [a for a in found if a not in KNOWN_ORDER]


def private_modules(app: str) -> list[str]:
    """The views/api/forms modules the app really has (import-linter refuses a contract on a missing module)."""
    base = ROOT / "mutualis" / app
    return [
        f"mutualis.{app}.{name}"
        for name in PRIVATE_MODULES
        if (base / f"{name}.py").exists() or (base / name / "__init__.py").exists()
    ]


def contract(name: str, source: str, forbidden: list[str], ignore: str | None, comment: str = "") -> str:
    """One forbidden-imports contract in TOML."""
    lines = ["[[tool.importlinter.contracts]]", f'name = "{name}"', 'type = "forbidden"']
    lines.append(f'source_modules = ["{source}"]')
    if len(forbidden) == 1:
        lines.append(f'forbidden_modules = ["{forbidden[0]}"]')
    else:
        lines.append("forbidden_modules = [")
        lines += [f'    "{module}",' for module in forbidden]
        lines.append("]")
    if comment:
        lines.append(comment)
    if ignore:
        lines.append(f'ignore_imports = ["{ignore}"]')
    return "\n".join(lines)


def generate() -> str:
    """The whole [tool.importlinter] section."""
    all_apps = apps()
    blocks = [
        '[tool.importlinter]\nroot_packages = ["mutualis", "config"]\ninclude_external_packages = false',
        contract(
            "core imports no app",
            "mutualis.core",
            [f"mutualis.{a}" for a in all_apps],
            "mutualis.core.tests.** -> mutualis.**",
            "# Tests build their data with the apps' factories; the contract is about the code that runs.",
        ),
        contract(
            "territory knows no member",
            "mutualis.territory",
            [f"mutualis.{a}" for a in all_apps if a not in TERRITORY_MAY_IMPORT],
            "mutualis.territory.tests.** -> mutualis.**",
        ),
        contract(
            "assets import no purchasing (the fleet outlives the purchase)",
            "mutualis.assets",
            ["mutualis.purchasing"],
            None,
        ),
    ]
    if "opendata" in all_apps:
        blocks.append(
            contract(
                "opendata imports no app (the apps feed it through its registry)",
                "mutualis.opendata",
                [f"mutualis.{a}" for a in all_apps if a != "opendata"],
                "mutualis.opendata.tests.** -> mutualis.**",
            )
        )
    for app in all_apps:
        forbidden = [module for other in all_apps if other != app for module in private_modules(other)]
        blocks.append(
            contract(
                f"{app} imports no other app's views, forms or api",
                f"mutualis.{app}",
                forbidden,
                f"mutualis.{app}.tests.** -> mutualis.**",
            )
        )
    return "\n\n".join(blocks) + "\n\n"


def main() -> int:
    text = PYPROJECT.read_text()
    pattern = re.compile(r"\[tool\.importlinter\].*?(?=^\[tool\.(?!importlinter))", re.S | re.M)
    if not pattern.search(text):
        print("pyproject.toml: no [tool.importlinter] section followed by another [tool.*] section", file=sys.stderr)
        return 2
    updated = pattern.sub(lambda _: generate(), text, count=1)
    if "--check" in sys.argv:
        if updated != text:
            print("pyproject.toml: import contracts out of date, run python3 scripts/import_contracts.py")
            return 1
        return 0
    PYPROJECT.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
