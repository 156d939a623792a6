"""Reading operator files: encodings, delimiters, headers, the IPE and GraceTHD vocabularies, streaming."""

import codecs
import datetime
import io

import pytest

from mutualis.fibre.choices import AddressState
from mutualis.fibre.integrations import LAYOUTS
from mutualis.fibre.integrations.base import FileRefused, Lookups, detect_encoding, parse_date
from mutualis.fibre.tests.factories import gracethd_file, gracethd_line, ipe_file, ipe_line

LOOKUPS = Lookups(communes={"78646": 1, "78686": 2}, pm_zones={"PM-1": 10})


def clean_all(data: bytes, layout: str = "gracethd") -> list[tuple]:
    read = LAYOUTS[layout].open(io.BytesIO(data))
    clean = LAYOUTS[layout].cleaner(read, LOOKUPS)
    return [clean(row, read.line_number) for row in read.rows]


@pytest.mark.parametrize(
    ("sample", "encoding"),
    [
        (codecs.BOM_UTF8 + "ad_code;Évry".encode(), "utf-8-sig"),
        ("ad_code;Évry".encode(), "utf-8"),
        ("ad_code;Évry;œuvre".encode("cp1252"), "cp1252"),
        (b"ad_code;\x81\xe9", "latin-1"),
        (b"ad_code;plain ascii", "utf-8"),
    ],
)
def test_encoding_is_detected_from_the_first_bytes(sample, encoding):
    """UTF-8 with or without BOM, else Windows-1252, else Latin-1: the encodings French operators' files come in."""
    assert detect_encoding(sample) == encoding


def test_a_multibyte_character_cut_by_the_sample_is_still_utf8():
    """The sample may end inside a UTF-8 character: the file is not mistaken for Windows-1252."""
    assert detect_encoding("ad_code;é".encode()[:-1]) == "utf-8"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("ad_code;ad_insee".encode("utf-16"), "UTF-16"),
        (b"PK\x03\x04rest of a workbook", "classeur"),
        (b"ad_code\x00;\x00", "octets nuls"),
    ],
)
def test_files_that_are_not_csv_text_are_refused_in_french(data, message):
    """UTF-16, spreadsheets and binary files are refused with a reason, before any line is read."""
    with pytest.raises(FileRefused, match=message):
        LAYOUTS["gracethd"].open(io.BytesIO(data))


def test_missing_columns_are_named_and_the_other_layout_suggested():
    """A file lacking required columns says which, and points to the layout it looks like."""
    with pytest.raises(FileRefused) as refused:
        LAYOUTS["gracethd"].open(io.BytesIO(ipe_file([ipe_line("IMB1")])))
    message = str(refused.value)
    assert "ad_code" in message and "ad_ietat" in message
    assert "semble être au format IPE" in message


def test_headers_match_whatever_their_case_and_delimiter():
    """Header names are matched without regard to case; « , » files are read as well as « ; » ones."""
    data = b"AD_CODE,AD_INSEE,AD_IETAT,AD_NBLHAB,AD_NBLPRO\nA1,78646,ci,2,1\n"
    [(values, errors)] = clean_all(data)
    assert errors == []
    assert values["code"] == "A1" and values["state"] == AddressState.TARGETED
    assert (values["dwellings"], values["business_premises"]) == (2, 1)


@pytest.mark.parametrize(
    ("word", "state"),
    [
        ("CIBLE", AddressState.TARGETED),
        ("Signé", AddressState.SIGNED),
        ("EN COURS DE DEPLOIEMENT", AddressState.IN_PROGRESS),
        ("en_cours_de_deploiement", AddressState.IN_PROGRESS),
        ("DÉPLOYÉ", AddressState.DEPLOYED),
        ("RACCORDABLE DEMANDE", AddressState.DEPLOYED),
        ("ABANDONNE", AddressState.ABANDONED),
    ],
)
def test_ipe_states_are_read_without_regard_to_case_or_accents(word, state):
    """IPE EtatImmeuble values map onto the GraceTHD states (raccordable à la demande is deployed)."""
    [(values, errors)] = clean_all(ipe_file([ipe_line("IMB1", state=word, pm="PM-1")]), "ipe")
    assert errors == [] and values["state"] == state


def test_an_ipe_line_becomes_address_values():
    """IPE columns: identifier, hexaclé, commune, dwellings, PM, AAAAMMJJ dates, label from the street columns."""
    line = ipe_line("IMB1", pm="PM-1", hexacle="7864600012", opened="20250420", dwellings="3")
    [(values, errors)] = clean_all(ipe_file([line]), "ipe")
    assert errors == []
    assert values["code"] == "IMB1" and values["hexacle"] == "7864600012" and values["commune_id"] == 1
    assert values["dwellings"] == 3 and "business_premises" not in values
    assert values["pm_zone_id"] == 10
    assert values["signed_on"] == datetime.date(2024, 6, 1) and values["cabled_on"] == datetime.date(2025, 1, 15)
    assert values["commissioned_on"] == datetime.date(2025, 4, 20)
    assert values["label"] == "1 RUE DE LA MAIRIE"


def test_a_gracethd_line_becomes_address_values():
    """GraceTHD columns: ad_code, BAN id, hexaclé, dwellings and business premises, ISO dates, zs_code."""
    line = gracethd_line("AD1", ban="78646_0010_00001", hexacle="7864600001", business="2", pm="PM-1")
    [(values, errors)] = clean_all(gracethd_file([line]))
    assert errors == []
    assert values["ban_id"] == "78646_0010_00001" and values["business_premises"] == 2
    assert values["pm_zone_id"] == 10 and values["isolated"] is False


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        (gracethd_line("", state="CI"), "ad_code", "Identifiant obligatoire"),
        (gracethd_line("A1", insee="99999"), "ad_insee", "Commune inconnue : code INSEE « 99999 »"),
        (gracethd_line("A1", state="XX"), "ad_ietat", "État inconnu : « XX »"),
        (gracethd_line("A1", dwellings="deux"), "ad_nblhab", "Nombre entier positif attendu"),
        (gracethd_line("A1", cabled="15/01/2025"), "ad_idatcab", "Date invalide (attendu AAAA-MM-JJ ou AAAA/MM/JJ)"),
        (gracethd_line("A1", cabled="2025-02-30"), "ad_idatcab", "Date invalide"),
        (gracethd_line("A1", signed="2025-03-01", cabled="2025-01-15"), "ad_idatcab", "Dates dans le désordre"),
        (gracethd_line("A1", opened="2024-12-01"), "ad_idatcom", "Dates dans le désordre"),
        (gracethd_line("A1", cabled=""), "ad_idatcab", "Date de câblage obligatoire"),
        (gracethd_line("A1", pm="PM-404"), "zs_code", "Zone PM inconnue : « PM-404 »"),
        ("A1;;;78646", "ad_code", "Ligne incomplète"),
    ],
)
def test_bad_values_are_rejected_with_their_column_and_a_french_reason(line, column, reason):
    """Each bad value names its column (as headed in the file) and why, in French."""
    [(values, errors)] = clean_all(gracethd_file([line]))
    assert values is None
    assert any(error.column == column and reason in error.reason for error in errors), errors


def test_dates_parse_in_each_layout_format():
    """AAAAMMJJ (IPE), AAAA-MM-JJ and AAAA/MM/JJ (GraceTHD), JJ/MM/AAAA, timestamps cut to their day."""
    formats = ("%Y%m%d", "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y")
    day = datetime.date(2025, 3, 7)
    for text in ("20250307", "2025-03-07", "2025/03/07", "07/03/2025", "2025-03-07 00:00:00"):
        assert parse_date(text, formats) == day
    assert parse_date("2025-13-01", formats) is None
    assert parse_date("7 mars 2025", formats) is None


def test_the_file_is_read_in_bounded_chunks():
    """The file is never read whole: every read asks for at most 64 KiB, whatever the file's size (streaming)."""
    data = gracethd_file(gracethd_line(f"AD{n:07d}") for n in range(20_000))
    read = LAYOUTS["gracethd"].open(io.BytesIO(data))
    assert sum(1 for _row in read.rows) == 20_000
    assert read.counter.count == len(data)
    assert read.counter.largest_read <= 64 * 1024 < len(data)
