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
from forms.validators import Valid, format_e164, mobile_phone

RECEIPT = re.compile(r"MW-?(\d{8})-?([A-Z2-9]{6})", re.IGNORECASE)


def receipt_in(text: str) -> str | None:
    match = RECEIPT.search(text)
    return f"MW-{match.group(1)}-{match.group(2).upper()}" if match else None


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
    """A receipt number in the message, or the one this conversation just received; otherwise
    the status form asks for it."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "action_check_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        receipt_no = (
            tracker.get_slot(slots.STATUS_RECEIPT)
            or receipt_in(conversation.user_text(tracker))
            or tracker.get_slot(slots.RECEIPT_NO)
        )
        if not receipt_no:
            intent, _ = conversation.intent(tracker)
            if intent != "check_status":  # an answer with nothing asked and no receipt in it
                dispatcher.utter_message(response="utter_default")
                return []
            return [FollowupAction("status_form")]
        status = self.services.petitions.status(receipt_no)
        if status is None:
            dispatcher.utter_message(response="utter_receipt_unknown", receipt_no=receipt_no)
            return [SlotSet(slots.STATUS_RECEIPT, None)]
        dispatcher.utter_message(
            response="utter_status",
            receipt_no=receipt_no,
            petition=status.petition_id,
            status=status.status,
            submitted_on=status.submitted_at.strftime("%Y-%m-%d"),
        )
        return [SlotSet(slots.STATUS_RECEIPT, None)]


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
    dispatcher.utter_message(response="utter_callback_registered", phone=format_e164(phone))


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


class OneQuestionForm(FormValidationAction):
    """A form of one slot filled by a parser (a receipt number, a phone number); a confident
    digression leaves the turn to the rules."""

    form: str
    slot: str
    invalid_response: str

    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return f"validate_{self.form}"

    def parse(self, text: str) -> str | None:
        raise NotImplementedError

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        requested = tracker.get_slot(slots.REQUESTED_SLOT)
        if requested != self.slot or not conversation.citizen_just_spoke(tracker):
            return [SlotSet(slots.REQUESTED_SLOT, self.slot)]
        value = self.parse(conversation.user_text(tracker))
        if value is not None:
            return [SlotSet(self.slot, value), SlotSet(slots.REQUESTED_SLOT, None)]
        if conversation.is_payload(tracker) or conversation.digressing(
            tracker, frozenset({"deny"})
        ):
            return []
        dispatcher.utter_message(response=self.invalid_response)
        return [SlotSet(self.slot, None), SlotSet(slots.REQUESTED_SLOT, self.slot)]


class CallbackFormValidation(OneQuestionForm):
    form, slot, invalid_response = (
        "callback_form",
        slots.CALLBACK_PHONE,
        "utter_invalid_callback_phone",
    )

    def parse(self, text: str) -> str | None:
        result = mobile_phone(text)
        return str(result.value) if isinstance(result, Valid) else None


class StatusFormValidation(OneQuestionForm):
    form, slot, invalid_response = "status_form", slots.STATUS_RECEIPT, "utter_receipt_format"

    def parse(self, text: str) -> str | None:
        return receipt_in(text)
