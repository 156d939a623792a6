"""The date bounds of the adhésion workflow and of competence transfers, rule by rule (members/rules.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mutualis.members import rules

D = datetime.date


def message(excinfo, field="__all__"):
    return excinfo.value.message_dict[field][0] if hasattr(excinfo.value, "error_dict") else excinfo.value.messages[0]


def test_a_decision_is_not_dated_in_the_future():
    """A decision already taken is dated today at the latest."""
    rules.assert_not_in_future(D(2026, 3, 12), today=D(2026, 3, 12), field="deliberation_date", what="La date")
    with pytest.raises(ValidationError) as excinfo:
        rules.assert_not_in_future(D(2026, 3, 13), today=D(2026, 3, 12), field="deliberation_date", what="La date")
    assert message(excinfo, "deliberation_date") == "La date ne peut pas être dans le futur."


def test_nothing_predates_the_syndicat(settings):
    """No date of the syndicat's history precedes its creation (OPERATOR_CREATED_ON, 01/01/2016 by default)."""
    assert rules.operator_created_on() == D(2016, 1, 1)
    rules.assert_not_before_operator(D(2016, 1, 1), field="start_date", what="La date de début")
    with pytest.raises(ValidationError) as excinfo:
        rules.assert_not_before_operator(D(1900, 1, 1), field="start_date", what="La date de début")
    assert message(excinfo, "start_date") == "La date de début ne peut précéder la création du syndicat, le 01/01/2016."


def test_the_creation_day_is_a_setting(settings):
    """An operator created earlier sets OPERATOR_CREATED_ON: its older decisions are accepted."""
    settings.OPERATOR_CREATED_ON = D(1995, 6, 1)
    rules.assert_not_before_operator(D(2001, 1, 1), field="start_date", what="La date de début")
    with pytest.raises(ValidationError, match="01/06/1995"):
        rules.assert_not_before_operator(D(1995, 5, 31), field="start_date", what="La date de début")


def test_a_decision_answers_the_request():
    """A deliberation or a step cannot precede the request it answers; an unknown request date bounds nothing."""
    rules.assert_not_before_request(D(2026, 3, 12), requested_on=D(2026, 3, 12), field="deliberation_date", what="X")
    rules.assert_not_before_request(D(2017, 1, 1), requested_on=None, field="deliberation_date", what="X")
    with pytest.raises(ValidationError) as excinfo:
        rules.assert_not_before_request(
            D(2026, 3, 11), requested_on=D(2026, 3, 12), field="deliberation_date", what="La date de la délibération"
        )
    assert message(excinfo, "deliberation_date") == (
        "La date de la délibération ne peut précéder la demande d'adhésion, reçue le 12/03/2026."
    )


def test_a_step_follows_the_previous_one():
    """Activation and withdrawal take effect on or after the step before them."""
    rules.assert_not_before_previous_step(D(2023, 1, 1), previous_on=D(2023, 1, 1))
    rules.assert_not_before_previous_step(D(2023, 1, 1), previous_on=None)
    with pytest.raises(ValidationError) as excinfo:
        rules.assert_not_before_previous_step(D(2022, 12, 31), previous_on=D(2023, 1, 1))
    assert "étape précédente de l'adhésion, le 01/01/2023" in message(excinfo, "effective_date")


def test_the_approval_follows_its_deliberation():
    """An approval takes effect on its deliberation's day or later."""
    rules.assert_approval_not_before_deliberation(D(2022, 12, 8), deliberation_on=D(2022, 12, 8))
    with pytest.raises(ValidationError) as excinfo:
        rules.assert_approval_not_before_deliberation(D(2022, 12, 7), deliberation_on=D(2022, 12, 8))
    assert message(excinfo, "effective_date") == "L'approbation ne peut précéder la délibération."


def test_the_adhesion_takes_effect_by_the_first_transfer():
    """An adhésion cannot take effect after a competence it transfers has started (that competence would be
    billed for days before the adhésion)."""
    rules.assert_adhesion_not_after_transfers(D(2026, 1, 1), first_start=D(2026, 1, 1), competence="Vidéoprotection")
    rules.assert_adhesion_not_after_transfers(D(2026, 1, 1), first_start=None)
    with pytest.raises(ValidationError) as excinfo:
        rules.assert_adhesion_not_after_transfers(
            D(2026, 3, 1), first_start=D(2026, 1, 1), competence="Vidéoprotection"
        )
    assert "« Vidéoprotection », depuis le 01/01/2026" in message(excinfo, "effective_date")


def test_a_transfer_starts_once_the_adhesion_took_effect():
    """A competence is not transferred before the member's adhésion took effect (unknown: no bound)."""
    rules.assert_transfer_not_before_adhesion(D(2023, 1, 1), adhesion_on=D(2023, 1, 1))
    rules.assert_transfer_not_before_adhesion(D(2017, 1, 1), adhesion_on=None)
    with pytest.raises(ValidationError) as excinfo:
        rules.assert_transfer_not_before_adhesion(D(2022, 12, 31), adhesion_on=D(2023, 1, 1))
    assert message(excinfo, "start_date") == (
        "Le transfert ne peut commencer avant la prise d'effet de l'adhésion, le 01/01/2023."
    )


def test_a_withdrawn_members_transfer_ends_by_the_withdrawal():
    """A withdrawn member's transfers end on the withdrawal day at the latest, never open-ended."""
    rules.assert_transfer_ends_by_withdrawal(D(2025, 6, 30), withdrawn_on=D(2025, 6, 30))
    rules.assert_transfer_ends_by_withdrawal(None, withdrawn_on=None)
    for end in (D(2025, 7, 1), None):
        with pytest.raises(ValidationError, match="retiré le 30/06/2025"):
            rules.assert_transfer_ends_by_withdrawal(end, withdrawn_on=D(2025, 6, 30))


def test_a_billed_transfer_is_no_longer_corrected():
    """A transfer an issued contribution call bills is not corrected: the refusal names the call."""
    rules.assert_transfer_not_billed([])
    assert rules.billed_refusal([]) == ""
    with pytest.raises(ValidationError) as excinfo:
        rules.assert_transfer_not_billed(["COT-2025-00001"])
    assert "facturé par l'appel de cotisation COT-2025-00001" in message(excinfo)
    assert "Annulez d'abord cet appel" in message(excinfo)
