"""The identifiers of stations and charge points (décret n° 2017-26 du 12 janvier 2017, art. 10; arrêté du
12 janvier 2017 relatif aux identifiants des unités d'exploitation; AFIREV; schéma IRVE statique v2.3.0)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from mutualis.charging import rules


def test_a_station_id_is_fr_the_operator_code_p_and_its_own_id():
    """Décret 2017-26 art. 10 and AFIREV: a station (pool) id is « FR », the 3-character operator code, « P »,
    then the operator's id, written without separators in IRVE data (schéma IRVE statique v2.3.0)."""
    rules.assert_station_id("FRSYNP78646001")
    for bad in ("FRSYNE78646001", "FRSYN78646001", "FRSYNP", "FRSYNP7864-6001", "frsynp78646001", "FRSYNP" + "1" * 31):
        with pytest.raises(ValidationError) as exc:
            rules.assert_station_id(bad)
        assert exc.value.code == "afirev_format"


def test_a_charge_point_id_is_fr_the_operator_code_e_and_its_own_id():
    """Décret 2017-26 art. 10 and AFIREV: a charge point (EVSE) id is « FR », the operator code, « E », then the
    operator's id; the IRVE schema caps it at 35 characters."""
    rules.assert_charge_point_id("FRSYNE786460011")
    assert len("FRSYNE" + "1" * 29) == rules.IRVE_ID_MAX_LENGTH
    rules.assert_charge_point_id("FRSYNE" + "1" * 29)
    for bad in ("FRSYNP786460011", "DESYNE786460011", "FRSYNE", "FRSYNE" + "1" * 30):
        with pytest.raises(ValidationError):
            rules.assert_charge_point_id(bad)


def test_an_id_of_another_operator_is_refused():
    """Arrêté du 12 janvier 2017 (identifiants): the operator builds its ids from the code the AFIREV gave it, so
    an id with another operator's code is not ours."""
    with pytest.raises(ValidationError) as exc:
        rules.assert_station_id("FRA68P68021001")
    assert exc.value.code == "afirev_operator"
    with override_settings(CHARGING_AFIREV_PREFIX="FRA68"):
        rules.assert_station_id("FRA68P68021001")
        rules.assert_charge_point_id("FRA68E680210015")


def test_a_bad_operator_prefix_setting_fails_loudly():
    """The setting must be « FR » and three letters or digits (the AFIREV operator code)."""
    with override_settings(CHARGING_AFIREV_PREFIX="FR12"), pytest.raises(ValueError):
        rules.operator_prefix()


def test_printed_ids_are_normalized_as_irve_writes_them():
    """IRVE statique v2.3.0: « Ne pas ajouter les séparateurs * »: the printed form FR*SYN*P0001 becomes
    FRSYNP0001."""
    assert rules.normalize_afirev_id(" fr*syn*p0001 ") == "FRSYNP0001"
    assert rules.normalize_afirev_id("FR-SYN-E0001-1") == "FRSYNE00011"


def test_a_charge_point_and_its_station_share_the_operator_code():
    """AFIREV: an EVSE belongs to the operator of its pool: the same « FR » and operator code."""
    rules.assert_charge_point_in_station(pdc_id="FRSYNE0001", station_id="FRSYNP0001")
    with pytest.raises(ValidationError):
        rules.assert_charge_point_in_station(pdc_id="FRA68E0001", station_id="FRSYNP0001")


def test_an_ocpp_identity_is_a_plain_url_segment_of_at_most_48_characters():
    """OCPP-J (1.6 § 3.1.1, 2.0.1 part 4 § 3.1.1): the identity ends the websocket URL; 48 characters at most;
    security profile 1 uses it as the Basic auth user name, so no « : »."""
    rules.assert_ocpp_identity("SYN-LIBRE-01")
    rules.assert_ocpp_identity("A" * 48)
    for bad in ("", "A" * 49, "CP 01", "CP:01", "CP/01", "borne°1"):
        with pytest.raises(ValidationError):
            rules.assert_ocpp_identity(bad)
