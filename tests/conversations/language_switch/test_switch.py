"""Switching language in the middle of a form keeps every value and asks the same field in the
new language."""

from __future__ import annotations

import pytest

from forms.catalog import default_catalog
from tests.citizen import Citizen
from tests.conversations.flows import fill_until, start
from tests.conversations.helpers import stored, submit
from tests.conversations.phrases import LANGUAGES, PHRASES

PETITION = "resident_registration_copy"
SWITCH = {
    "ko": "to_english",
    "en": None,
    "zh": "to_english",
    "vi": "to_english",
    "th": "to_english",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_switch_language_mid_form(stack, language):
    citizen = Citizen(stack.url, language)
    start(citizen, PETITION, language)
    fill_until(citizen, PETITION, "address")
    filled = dict(citizen.state["filled"])

    target = "ko" if language == "en" else "en"
    citizen.say("한국어로 해 주세요" if language == "en" else PHRASES[language]["to_english"])
    assert citizen.state["language"] == target
    assert citizen.asking == "address"
    question = default_catalog().petition(PETITION).field("address").question(target)
    assert citizen.messages[-1]["text"] == question
    assert citizen.state["filled"]["applicant_rrn"] == filled["applicant_rrn"]
    assert citizen.state["filled"]["applicant_name"] == filled["applicant_name"]

    fill_until(citizen, PETITION, None)
    submission, _ = stored(stack, submit(citizen))
    assert submission.language == target and submission.fields["applicant_name"] == "홍길동"
