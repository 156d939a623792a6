"""Panels other apps add to shared pages, so that a page shows what other apps know without importing them.

An app registers, in its AppConfig.ready(), a function taking (the page's object, request) and returning rendered
HTML (or "" when it has nothing to show for that viewer); the page renders every registered panel in order.

- The commune page (`territory`) shows members' things: `register_commune_panel(panel)`, panel(commune, request).
- The asset page (`assets`) tells the asset's life as the other apps know it (bought: purchasing; operated:
  supervision, charging, education): `register_asset_panel(panel)`, panel(asset, request). The panel decides what
  the viewer may see (the asset page is already scoped to the asset's member and staff).
- « Mon compte » (`accounts`) shows what waits for the account elsewhere (invitations to join a member):
  `register_account_panel(panel)`, panel(user, request).
"""

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[Any, Any], str]
CommunePanel = Panel
AssetPanel = Panel
# (order, panel) pairs, lowest order first; module-level lists so that a test may swap one for a copy.
_commune_panels: list[tuple[int, Panel]] = []
_asset_panels: list[tuple[int, Panel]] = []
_account_panels: list[tuple[int, Panel]] = []


def _register(panels: list[tuple[int, Panel]], panel: Panel, order: int) -> None:
    """Add a panel to a page's list (idempotent: registering the same function twice keeps one)."""
    if all(existing is not panel for _, existing in panels):
        panels.append((order, panel))
        panels.sort(key=lambda item: item[0])


def _render(panels: list[tuple[int, Panel]], obj: Any, request: Any) -> list[SafeString]:
    """The HTML of every panel of the list that has something to show for this object and request."""
    rendered = (panel(obj, request) for _, panel in panels)
    return [mark_safe(html) for html in rendered if html]  # noqa: S308 (panels return rendered templates)


def register_commune_panel(panel: CommunePanel, *, order: int = 100) -> None:
    """Add a panel to the commune page (idempotent: registering the same function twice keeps one)."""
    _register(_commune_panels, panel, order)


def render_commune_panels(commune: Any, request: Any) -> list[SafeString]:
    """The HTML of every registered panel that has something to show for this commune."""
    return _render(_commune_panels, commune, request)


def register_asset_panel(panel: AssetPanel, *, order: int = 100) -> None:
    """Add a panel to the asset page (idempotent: registering the same function twice keeps one)."""
    _register(_asset_panels, panel, order)


def render_asset_panels(asset: Any, request: Any) -> list[SafeString]:
    """The HTML of every registered panel that has something to show for this asset to this viewer."""
    return _render(_asset_panels, asset, request)


def register_account_panel(panel: Panel, *, order: int = 100) -> None:
    """Add a panel to « Mon compte » (idempotent: registering the same function twice keeps one)."""
    _register(_account_panels, panel, order)


def render_account_panels(user: Any, request: Any) -> list[SafeString]:
    """The HTML of every registered panel that has something to show to this account."""
    return _render(_account_panels, user, request)
