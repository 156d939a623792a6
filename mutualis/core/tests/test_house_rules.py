"""House rules the templates and the browser tests keep."""

import re
from pathlib import Path

import mutualis

ROOT = Path(mutualis.__file__).parent
BROWSER_MARK = re.compile(r"^(pytestmark = .*pytest\.mark\.browser|@pytest\.mark\.browser)", re.MULTILINE)
POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>", re.IGNORECASE)


def test_post_forms_leave_validation_to_the_server():
    """Every POST form carries `novalidate`: the server's French messages, shown next to each field, are the ones a
    user reads, rather than the browser's own bubble in the browser's language."""
    missing = [
        f"{path.relative_to(ROOT)}: {tag}"
        for path in ROOT.rglob("*.html")
        for tag in POST_FORM.findall(path.read_text(encoding="utf-8"))
        if "novalidate" not in tag
    ]
    assert missing == []
    assert len(list(ROOT.rglob("*.html"))) > 50  # the templates were found


def test_browser_tests_wait_for_what_they_assert():
    """Browser tests assert with `expect(...)`, which waits, never `assert locator.is_visible()`, which answers at
    once and raced on CI; and they never wait with `wait_for_load_state()` after a click (use `click_and_wait`)."""
    offending = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in ROOT.rglob("test*.py")
        if BROWSER_MARK.search(text := path.read_text(encoding="utf-8"))
        for number, line in enumerate(text.splitlines(), start=1)
        if ".is_visible()" in line or "wait_for_load_state(" in line
    ]
    assert offending == []
    assert len([p for p in ROOT.rglob("test*.py") if BROWSER_MARK.search(p.read_text(encoding="utf-8"))]) >= 10
