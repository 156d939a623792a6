"""Import of the Annuaire de l'éducation: every line checked, all written or none, a report line by line."""

import pytest
from django.core.management import CommandError, call_command

from mutualis.core.models import AuditEntry
from mutualis.education.models import Establishment
from mutualis.education.services.imports import establishment_import
from mutualis.education.tests.factories import valid_uai

pytestmark = pytest.mark.django_db

HEADER = "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Code_commune;Nombre_d_eleves"


def csv_of(*lines: str) -> bytes:
    return ("\ufeff" + "\n".join([HEADER, *lines]) + "\n").encode()


def test_a_clean_file_creates_écoles_and_collèges_with_their_owners(edu):
    """An école goes to its commune, a collège to its département; a known UAI is updated, not duplicated."""
    content = csv_of(
        f"{valid_uai(7811001)};École maternelle Les Lilas;Ecole;Public;78646;120",
        f"{valid_uai(7811002)};Collège Rameau;Collège;Public;78646;640",
        f"{edu.school.uai};École Jules-Ferry (renommée);Ecole;Public;78646;300",
    )
    report = establishment_import(content=content, acting_user=edu.officer, filename="annuaire.csv")
    assert report.committed, report.lines
    assert [line.outcome for line in report.lines] == ["created", "created", "updated"]
    assert Establishment.objects.get(uai=valid_uai(7811001)).member == edu.member_a
    assert Establishment.objects.get(uai=valid_uai(7811002)).member == edu.departement
    edu.school.refresh_from_db()
    assert edu.school.name == "École Jules-Ferry (renommée)" and edu.school.pupils == 300
    assert AuditEntry.objects.filter(action="education.establishment_import").count() == 1


def test_one_bad_line_refuses_the_whole_file_and_says_why_per_line(edu):
    """A wrong UAI key, an unsupported type, an unknown commune: each line says why, and nothing is written."""
    before = list(Establishment.objects.values_list("uai", "name"))
    bad_uai = "0781001" + ("B" if valid_uai(7811001)[-1] != "B" else "C")
    content = csv_of(
        f"{valid_uai(7811003)};École valide;Ecole;Public;78646;100",
        f"{bad_uai};École à la clé fausse;Ecole;Public;78646;100",
        f"{valid_uai(7811004)};Lycée Hoche;Lycée;Public;78646;1200",
        f"{valid_uai(7811005)};École fantôme;Ecole;Privé;99999;",
        f"{valid_uai(7811003)};Doublon;Ecole;Public;78646;100",
    )
    report = establishment_import(content=content, acting_user=edu.officer)
    assert not report.committed
    outcomes = {line.number: line for line in report.lines}
    assert "Code UAI invalide" in " ".join(outcomes[3].messages)
    assert "non pris en charge" in " ".join(outcomes[4].messages)
    assert "inconnue" in " ".join(outcomes[5].messages)
    assert "déjà présent ligne 2" in " ".join(outcomes[6].messages)
    assert list(Establishment.objects.values_list("uai", "name")) == before
    assert not AuditEntry.objects.filter(action="education.establishment_import").exists()


def test_missing_columns_are_named(edu):
    """A file without the directory's columns is refused, naming the missing ones."""
    report = establishment_import(content=b"uai,nom\n0780001C,X\n", acting_user=edu.officer)
    assert not report.committed
    assert "Type_etablissement" in report.problems[0]


def test_an_école_of_a_commune_that_is_not_a_member_is_refused(edu):
    """Without a member owning it (the commune not a member), an école cannot be imported."""
    report = establishment_import(
        content=csv_of(f"{valid_uai(7811006)};École de Viroflay;Ecole;Public;78686;90"), acting_user=edu.officer
    )
    # Viroflay exists in the territory only once a factory made it; unknown here, or not a member.
    assert not report.committed
    assert report.refused[0].messages


def test_the_command_imports_or_fails_with_the_report(edu, tmp_path):
    """`import_establishments` writes the file, or fails naming the refused lines and writes nothing."""
    good = tmp_path / "annuaire.csv"
    good.write_bytes(csv_of(f"{valid_uai(7811007)};École Pasteur;Ecole;Public;78646;150"))
    call_command("import_establishments", str(good))
    assert Establishment.objects.filter(uai=valid_uai(7811007)).exists()
    bad = tmp_path / "mauvais.csv"
    bad.write_bytes(csv_of(f"{valid_uai(7811008)};Lycée;Lycée;Public;78646;1"))
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import_establishments", str(bad))
    assert not Establishment.objects.filter(uai=valid_uai(7811008)).exists()
