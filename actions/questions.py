"""Procedure questions, in or out of a form, answered by the knowledge pipeline.

The citizen's words (identifiers already swapped for vault tokens by the app, and cut out again
by the pipeline's guard) go to ``knowledge/`` with the conversation's language and, inside a
form, its petition; the answer comes back with its sources, or as "I don't know" with how to
reach staff. A form then asks its question again (rules in data/rules/).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from actions.ports import Services

log = logging.getLogger(__name__)


class AnswerQuestion(Action):
    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        question = str(tracker.latest_message.get("text") or "")
        language = tracker.get_slot(slots.LANGUAGE)
        in_form = bool(tracker.active_loop_name)
        petition = tracker.get_slot(slots.PETITION) if in_form else None
        channel = tracker.get_slot(slots.CHANNEL)
        try:
            answer = await asyncio.to_thread(
                self.services.knowledge.ask, question, language, petition, channel
            )
        except Exception:  # the knowledge base failing must not break the conversation
            log.exception("answering a question failed")
            dispatcher.utter_message(response="utter_knowledge_unavailable")
            return []
        sources = [{"title": s.title, "url": s.url, "snippet": s.snippet} for s in answer.sources]
        if sources:
            dispatcher.utter_message(text=answer.answer, json_message={"sources": sources})
        else:
            dispatcher.utter_message(text=answer.answer)
        return []
