"""Text normalisation for searching place names."""

import re
import unicodedata


def normalize_name(text: str) -> str:
    """Lower-case, strip accents, turn hyphens and apostrophes into spaces: "Élancourt" → "elancourt"."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\s\-'’]+", " ", ascii_text.casefold()).strip()
