"""A member's name in a sentence takes the article of the body it names (« de la Commune d'Ablis »)."""

import pytest

from mutualis.members.names import of_member, with_article


@pytest.mark.parametrize(
    ("name", "after_de", "with_its_article"),
    [
        ("Commune d'Ablis", "de la Commune d'Ablis", "la Commune d'Ablis"),
        ("Département des Yvelines", "du Département des Yvelines", "le Département des Yvelines"),
        ("Collège Les Tilleuls (fictif)", "du Collège Les Tilleuls (fictif)", "le Collège Les Tilleuls (fictif)"),
        ("EHPAD Les Glycines", "de l'EHPAD Les Glycines", "l'EHPAD Les Glycines"),
        (
            "CA Versailles Grand Parc (CAVGP)",
            "de la CA Versailles Grand Parc (CAVGP)",
            "la CA Versailles Grand Parc (CAVGP)",
        ),
        ("Grand Paris Seine Ouest", "de Grand Paris Seine Ouest", "Grand Paris Seine Ouest"),
        ("Orgeval  Sud", "d'Orgeval Sud", "Orgeval Sud"),
    ],
)
def test_member_names_take_the_article_of_their_first_word(name, after_de, with_its_article):
    """« de » + a member's name contracts with the article of its first word; an unknown first word gets none."""
    assert of_member(name) == after_de
    assert with_article(name) == with_its_article
