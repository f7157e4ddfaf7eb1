"""Cancelling asks first; "no" carries on where it was, "yes" keeps nothing; a new petition
then starts clean."""

from __future__ import annotations

import pytest

from tests.citizen import Citizen
from tests.conversations.flows import fill_until, start
from tests.conversations.phrases import LANGUAGES, PHRASES

PETITION = "resident_registration_copy"


@pytest.mark.parametrize("language", LANGUAGES)
def test_cancel_with_confirmation(stack, language):
    citizen = Citizen(stack.url, language)
    start(citizen, PETITION, language)
    fill_until(citizen, PETITION, "phone")

    citizen.say(PHRASES[language]["cancel"])
    assert [b["payload"] for b in citizen.buttons()] == ["/affirm", "/deny"]
    citizen.press("/deny")
    assert citizen.state["active_form"] == PETITION and citizen.asking == "phone"
    assert citizen.state["filled"]["applicant_name"] == "홍길동"

    citizen.say(PHRASES[language]["cancel"])
    citizen.press("/affirm")
    assert citizen.state["active_form"] is None and citizen.state["filled"] == {}

    start(citizen, PETITION, language)
    assert citizen.asking == "applicant_name" and citizen.state["filled"] == {}
