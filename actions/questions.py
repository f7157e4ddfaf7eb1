"""Procedure questions, in or out of a form.

Until the knowledge base (``knowledge/``) answers from the city's documents, a question during a
petition is answered with that petition's own catalog facts (fee, documents, period, where to
apply), and elsewhere with how to reach staff.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from actions.ports import Services


class AnswerQuestion(Action):
    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        petition_id = tracker.get_slot(slots.PETITION)
        if petition_id in self.services.catalog.petitions:
            dispatcher.utter_message(response="utter_petition_facts", petition=petition_id)
        else:
            dispatcher.utter_message(response="utter_question_unavailable")
        return []
