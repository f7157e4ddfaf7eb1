"""Checking a submission's status by its receipt number, in another conversation."""

from __future__ import annotations

import pytest

from tests.citizen import Citizen
from tests.conversations.flows import fill_until, start
from tests.conversations.helpers import submit
from tests.conversations.phrases import LANGUAGES, PHRASES

STATUS_WORDS = {
    "ko": "접수됨",
    "en": "Received",
    "zh": "已受理",
    "vi": "Đã tiếp nhận",
    "th": "รับเรื่องแล้ว",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_by_receipt_number(stack, language):
    first = Citizen(stack.url, language)
    start(first, "resident_registration_copy", language)
    fill_until(first, "resident_registration_copy", None)
    receipt_no = submit(first)

    later = Citizen(stack.url, language)
    later.say(PHRASES[language]["status"])
    assert "MW-" in later.text  # asks for the number, with an example
    later.say(receipt_no)
    assert receipt_no in later.text and STATUS_WORDS[language] in later.text

    later.say("MW-20990101-ZZZZZZ")
    assert "MW-20990101-ZZZZZZ" in later.text and STATUS_WORDS[language] not in later.text
