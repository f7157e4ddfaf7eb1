"""A procedure question in the middle of a form is answered from the city's documents, with its
source, then the form asks its question again exactly once."""

from __future__ import annotations

import pytest

from forms.catalog import default_catalog
from tests.citizen import Citizen
from tests.conversations.flows import fill_until, start
from tests.conversations.helpers import stored, submit
from tests.conversations.phrases import LANGUAGES, PHRASES

PETITION = "resident_registration_copy"


@pytest.mark.parametrize("language", LANGUAGES)
def test_question_then_the_same_field_once(stack, language):
    citizen = Citizen(stack.url, language)
    start(citizen, PETITION, language)
    fill_until(citizen, PETITION, "address")

    citizen.say(PHRASES[language]["question"])
    assert citizen.asking == "address"
    assert "400" in citizen.text  # the guide's counter fee for this petition
    sources = [s for m in citizen.messages for s in m.get("sources") or []]
    assert sources and sources[0]["url"].startswith("http")
    question = default_catalog().petition(PETITION).field("address").question(language)
    assert [m["text"] for m in citizen.messages].count(question) == 1

    fill_until(citizen, PETITION, None)
    submission, _ = stored(stack, submit(citizen))
    assert submission.fields["address"] == "서울특별시 종로구 세종대로 209, 101동 1203호"
