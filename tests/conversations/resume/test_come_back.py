"""A citizen comes back to the same conversation later, also after Rasa was restarted."""

from __future__ import annotations

from tests.citizen import Citizen
from tests.conversations.flows import fill_until, start
from tests.conversations.helpers import stored, submit
from tests.conversations.phrases import LANGUAGES

PETITION = "resident_registration_copy"


def test_come_back_after_a_rasa_restart(stack):
    waiting = {}
    for language in LANGUAGES:
        citizen = Citizen(stack.url, language)
        start(citizen, PETITION, language)
        fill_until(citizen, PETITION, "phone")
        waiting[language] = citizen.id

    stack.restart_rasa()

    for language, conversation_id in waiting.items():
        back = Citizen(stack.url, language, conversation_id=conversation_id)
        assert back.state["active_form"] == PETITION and back.asking == "phone"
        assert back.state["language"] == language
        fill_until(back, PETITION, None)
        submission, _ = stored(stack, submit(back))
        assert submission.fields["applicant_name"] == "홍길동" and submission.language == language
