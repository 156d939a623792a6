"""House rules the templates keep."""

import re
from pathlib import Path

import mutualis

ROOT = Path(mutualis.__file__).parent
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
