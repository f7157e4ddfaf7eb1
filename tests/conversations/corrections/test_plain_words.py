"""Changing an earlier answer in plain words, at the summary and in the middle of the form."""

from __future__ import annotations

import pytest

from tests.citizen import Citizen
from tests.conversations.flows import fill_until, start
from tests.conversations.helpers import stored, submit
from tests.conversations.phrases import LANGUAGES, PHRASES

PETITION = "resident_registration_copy"
NEW_ADDRESS = "부산광역시 해운대구 센텀중앙로 79, 305호"


@pytest.mark.parametrize("language", LANGUAGES)
def test_corrections_without_starting_over(stack, language):
    citizen = Citizen(stack.url, language)
    start(citizen, PETITION, language)
    fill_until(citizen, PETITION, "copies")

    citizen.say(PHRASES[language]["change_address"])  # mid-form, no value given: asked again
    assert citizen.asking == "address"
    citizen.say(NEW_ADDRESS)
    assert citizen.asking == "copies"  # back where it was

    fill_until(citizen, PETITION, None)
    citizen.say(PHRASES[language]["wrong_phone"])  # at the summary, with the new value
    assert citizen.asking == "confirmation"
    assert "010-5151-2626" in citizen.text

    submission, _ = stored(stack, submit(citizen))
    assert submission.fields["phone"] == "+821051512626"
    assert submission.fields["address"] == NEW_ADDRESS
    assert submission.fields["applicant_name"] == "홍길동"


@pytest.mark.parametrize("language", LANGUAGES)
def test_summary_buttons_change_one_field(stack, language):
    citizen = Citizen(stack.url, language)
    start(citizen, PETITION, language)
    fill_until(citizen, PETITION, None)
    payloads = [b["payload"] for b in citizen.buttons()]
    assert payloads[0] == "/affirm" and payloads[-1] == "/cancel"
    assert '/change_field{"field": "copies"}' in payloads

    citizen.press('/change_field{"field": "copies"}')
    assert citizen.asking == "copies"
    citizen.say("3")
    assert citizen.asking == "confirmation"
    submission, _ = stored(stack, submit(citizen))
    assert submission.fields["copies"] == 3
