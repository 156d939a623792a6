"""A member's name in a French sentence: « la demande d'adhésion de la Commune d'Ablis », « rejoindre le
Département des Yvelines ».

A member's name begins with what the body is (« Commune d'Ablis », « Collège Les Tilleuls », « EHPAD… »): that
word takes its article, then « de » contracts with it as before any name (territory.names.of_place).
"""

from mutualis.territory.names import of_place

# The first word of a member's name (case ignored) → its article. Acronyms read as their words: CA, CC, CU are
# « la communauté… », EPT « l'établissement public territorial », SIVU / SIVOM « le syndicat… ».
ARTICLES = {
    "commune": "la",
    "ville": "la",
    "mairie": "la",
    "communauté": "la",
    "métropole": "la",
    "région": "la",
    "ca": "la",
    "cc": "la",
    "cu": "la",
    "département": "le",
    "collège": "le",
    "lycée": "le",
    "syndicat": "le",
    "centre": "le",
    "conseil": "le",
    "ccas": "le",
    "sivu": "le",
    "sivom": "le",
    "établissement": "l'",
    "ehpad": "l'",
    "ept": "l'",
    "office": "l'",
    "école": "l'",
}


def with_article(name: str) -> str:
    """« la Commune d'Ablis », « le Département des Yvelines », « l'EHPAD Les Glycines »; a name whose first word
    is not known is left as it is."""
    name = " ".join(name.split())
    article = ARTICLES.get(name.split(" ")[0].casefold()) if name else None
    if article is None:
        return name
    return article + name if article.endswith("'") else f"{article} {name}"


def of_member(name: str) -> str:
    """« de » and the member's name: « de la Commune d'Ablis », « du Département des Yvelines », « de l'EHPAD… »."""
    return of_place(with_article(name))
