"""Place names in a French sentence: « Commune d'Antony », « Commune du Chesnay-Rocquencourt », « des Mureaux ».

The preposition « de » before a name follows the rules of French grammar on elision and on the contracted articles
(Grevisse, *Le Bon Usage*, on elision and on « du », « des »; the Office québécois de la langue française's Banque
de dépannage linguistique, on place names):
- the article « le » / « les » that begins a name contracts with it: « du Pecq », « des Mureaux »;
- « la » and « l' » do not contract and keep their capital in the official name: « de La Celle-Saint-Cloud »,
  « de L'Étang-la-Ville »;
- « de » is elided before a vowel (« d'Antony », « d'Élancourt ») and before a mute h; it is not before an
  aspirated h, which usage decides name by name (« de Houilles », « de Houdan »): see ASPIRATED_H.
"""

import unicodedata

VOWELS = frozenset("aeiouy")

# Names of the territory's communes beginning with an aspirated h (« de Houilles », never « d'Houilles »): each of
# the six H names of data/territory, as the communes write their own name (« Ville de Houilles », « Mairie de
# Hermeray »…). A commune whose h is mute would elide: « d'… ».
ASPIRATED_H = frozenset({"hardricourt", "hargeville", "herbeville", "hermeray", "houdan", "houilles"})

# An article opening a name, with what « de » + that article becomes.
_CONTRACTED = (("les ", "des "), ("le ", "du "))
_KEPT = ("la ", "l'", "l’")


def _base_letter(char: str) -> str:
    return unicodedata.normalize("NFKD", char)[:1].casefold()


def _elides(name: str) -> bool:
    first = _base_letter(name[:1])
    if first in VOWELS:
        return True
    if first == "h":
        word = name.split("-")[0].split(" ")[0].casefold()
        return word not in ASPIRATED_H
    return False


def of_place(name: str) -> str:
    """« de » followed by a name, elided or contracted: « d'Antony », « du Chesnay-Rocquencourt », « des Mureaux »,
    « de La Celle-Saint-Cloud », « de Versailles » (an article in lower case works too: « de la Commune »)."""
    name = name.strip()
    lowered = name.casefold()
    for article, contracted in _CONTRACTED:
        if lowered.startswith(article):
            return contracted + name[len(article) :]
    if lowered.startswith(_KEPT):
        return "de " + name
    return ("d'" if _elides(name) else "de ") + name


def commune_of(name: str) -> str:
    """The name of a commune as a body (a member): « Commune d'Antony », « Commune du Chesnay-Rocquencourt »."""
    return "Commune " + of_place(name)
