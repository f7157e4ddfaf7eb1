"""Help around petitions: cancelling with a confirmation, resuming, checking a receipt's status,
and asking for a person (a call-back request in the staff queue)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions import conversation, slots
from actions.ports import Services
from forms.validators import Valid, mobile_phone

RECEIPT = re.compile(r"MW-?(\d{8})-?([A-Z2-9]{6})", re.IGNORECASE)


class ResumePetition(Action):
    """The citizen did not want to cancel after all: the petition's form picks up where it was."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "action_resume_petition"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        petition_id = tracker.get_slot(slots.PETITION)
        if petition_id not in self.services.catalog.petitions:
            dispatcher.utter_message(response="utter_greet")
            return []
        dispatcher.utter_message(response="utter_resumed")
        return [FollowupAction(self.services.catalog.petition(petition_id).form_name)]


class CheckStatus(Action):
    """A receipt number in the message, or the one this conversation just received."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "action_check_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        match = RECEIPT.search(conversation.user_text(tracker))
        receipt_no = (
            f"MW-{match.group(1)}-{match.group(2).upper()}"
            if match
            else tracker.get_slot(slots.RECEIPT_NO)
        )
        if not receipt_no:
            dispatcher.utter_message(response="utter_ask_receipt_no")
            return []
        status = self.services.petitions.status(receipt_no)
        if status is None:
            dispatcher.utter_message(response="utter_receipt_unknown", receipt_no=receipt_no)
            return []
        dispatcher.utter_message(
            response="utter_status",
            receipt_no=receipt_no,
            petition=status.petition_id,
            status=status.status,
            submitted_on=status.submitted_at.strftime("%Y-%m-%d"),
        )
        return []


class RequestHuman(Action):
    """A call-back request for staff: at once when the conversation has a phone number, else
    outside a petition the call-back form asks for one, and inside a petition it is filed as
    soon as the petition's phone number is given."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        phone = known_phone(tracker)
        if phone:
            file_callback(self.services, dispatcher, tracker, phone)
            return []
        if tracker.active_loop_name:
            dispatcher.utter_message(response="utter_callback_after_phone")
            return [SlotSet(slots.CALLBACK_WANTED, True)]
        return [FollowupAction("callback_form")]


def known_phone(tracker: Tracker) -> str | None:
    for slot in ("phone", "reporter_phone", slots.CALLBACK_PHONE):
        value = tracker.get_slot(slot)
        if value:
            return str(value)
    return None


def file_callback(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker, phone: str
) -> None:
    services.petitions.request_callback(
        conversation_id=tracker.sender_id,
        phone=phone,
        language=conversation.language(tracker),
        petition_id=tracker.get_slot(slots.PETITION),
    )
    dispatcher.utter_message(response="utter_callback_registered", phone=phone)


class FileCallback(Action):
    """After the call-back form got a phone number."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "action_file_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        phone = tracker.get_slot(slots.CALLBACK_PHONE)
        if phone:
            file_callback(self.services, dispatcher, tracker, str(phone))
        return [SlotSet(slots.CALLBACK_PHONE, None)]


class CallbackFormValidation(FormValidationAction):
    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "validate_callback_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        requested = tracker.get_slot(slots.REQUESTED_SLOT)
        if requested != slots.CALLBACK_PHONE or not conversation.citizen_just_spoke(tracker):
            return [SlotSet(slots.REQUESTED_SLOT, slots.CALLBACK_PHONE)]
        result = mobile_phone(conversation.user_text(tracker))
        if isinstance(result, Valid):
            return [
                SlotSet(slots.CALLBACK_PHONE, result.value),
                SlotSet(slots.REQUESTED_SLOT, None),
            ]
        intent, confidence = conversation.intent(tracker)
        if intent in slots.DIGRESSIONS and confidence >= slots.DIGRESSION_CONFIDENCE:
            return []
        dispatcher.utter_message(response="utter_invalid_callback_phone")
        return [
            SlotSet(slots.CALLBACK_PHONE, None),
            SlotSet(slots.REQUESTED_SLOT, slots.CALLBACK_PHONE),
        ]
