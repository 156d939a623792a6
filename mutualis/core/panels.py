"""Panels other apps add to shared pages, so that `territory` shows members' things without importing them.

An app registers, in its AppConfig.ready(), a function taking (commune, request) and returning rendered HTML
(or "" when it has nothing to show); the commune page renders every registered panel in order.
"""

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

CommunePanel = Callable[[Any, Any], str]
_commune_panels: list[tuple[int, CommunePanel]] = []


def register_commune_panel(panel: CommunePanel, *, order: int = 100) -> None:
    """Add a panel to the commune page (idempotent: registering the same function twice keeps one)."""
    if all(existing is not panel for _, existing in _commune_panels):
        _commune_panels.append((order, panel))
        _commune_panels.sort(key=lambda item: item[0])


def render_commune_panels(commune: Any, request: Any) -> list[SafeString]:
    """The HTML of every registered panel that has something to show for this commune."""
    rendered = (panel(commune, request) for _, panel in _commune_panels)
    return [mark_safe(html) for html in rendered if html]  # noqa: S308 (panels return rendered templates)
