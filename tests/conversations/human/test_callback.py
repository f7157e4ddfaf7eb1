"""Asking for a person puts a call-back request in the staff queue."""

from __future__ import annotations

import pytest

from server.store.repositories import CallbackRepository
from tests.citizen import Citizen
from tests.conversations.flows import fill_until, start
from tests.conversations.phrases import LANGUAGES, PHRASES


def requests_of(stack, conversation_id):  # type: ignore[no-untyped-def]
    return [
        r
        for r in CallbackRepository(stack.db()).open_requests()
        if r.conversation_id == conversation_id
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_callback_outside_a_petition_asks_for_the_number(stack, language):
    citizen = Citizen(stack.url, language)
    citizen.say(PHRASES[language]["human"])
    assert citizen.asking == "callback_phone"
    citizen.say("010-2468-1357")
    assert "010-2468-1357" in citizen.text
    (request,) = requests_of(stack, citizen.id)
    assert request.phone == "+821024681357" and request.language == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_callback_during_a_petition_uses_its_phone_and_the_form_goes_on(stack, language):
    citizen = Citizen(stack.url, language)
    start(citizen, "resident_registration_copy", language)
    fill_until(citizen, "resident_registration_copy", "copy_type")
    citizen.say(PHRASES[language]["human"])
    assert citizen.asking == "copy_type"
    (request,) = requests_of(stack, citizen.id)
    assert request.phone == "+821048217730" and request.petition_id == "resident_registration_copy"
