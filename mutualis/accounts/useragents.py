"""A browser's user agent told in plain French (« Firefox sur Windows »), for « Mes sessions »."""

import re

from django.utils.translation import gettext as _

# Order matters: Edge and Opera say « Chrome » too, Chrome says « Safari », Chromium says « Chrome ».
_BROWSERS = (
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chromium/", "Chromium"),
    (r"HeadlessChrome/", "Chrome (sans interface)"),
    (r"Chrome/|CriOS/", "Chrome"),
    (r"Safari/", "Safari"),
)
_SYSTEMS = (
    (r"Android", "Android"),
    (r"iPhone|iPad|iPod", "iOS"),
    (r"CrOS", "ChromeOS"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"Linux|X11", "Linux"),
)


def _first(patterns: tuple[tuple[str, str], ...], user_agent: str) -> str:
    return next((name for pattern, name in patterns if re.search(pattern, user_agent)), "")


def describe_user_agent(user_agent: str) -> str:
    """« Navigateur sur système » from a User-Agent header; what cannot be recognised is said so."""
    browser, system = _first(_BROWSERS, user_agent or ""), _first(_SYSTEMS, user_agent or "")
    if browser and system:
        return _("%(browser)s sur %(system)s") % {"browser": browser, "system": system}
    if browser or system:
        return browser or system
    return _("Appareil inconnu")
