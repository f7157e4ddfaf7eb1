"""Starting, submitting and cancelling a petition."""

from __future__ import annotations

import uuid
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation, slots
from actions.ports import Services, SubmissionDraft
from forms.fields import stored_warnings


def _clear_petition(services: Services) -> list[EventType]:
    """Every petition's fields and the petition's own slots back to empty."""
    field_ids = {f.id for p in services.catalog.petitions.values() for f in p.fields}
    events: list[EventType] = [SlotSet(field_id, None) for field_id in sorted(field_ids)]
    events += [
        SlotSet(slots.PETITION, None),
        SlotSet(slots.PETITION_RUN, None),
        SlotSet(slots.CONFIRMATION, None),
        SlotSet(slots.FAILURES, None),
        SlotSet(slots.PENDING_PHOTOS, None),
        SlotSet(slots.CORRECTING, None),
    ]
    return events


class StartPetition(Action):
    """``apply_<petition>`` → a fresh petition: empty fields, an intro with fee and documents."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "action_start_petition"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent, _ = conversation.intent(tracker)
        petition_id = intent.removeprefix("apply_")
        if petition_id not in self.services.catalog.petitions:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(response="utter_petition_intro", petition=petition_id)
        return [
            *_clear_petition(self.services),
            SlotSet(slots.PETITION, petition_id),
            SlotSet(slots.PETITION_RUN, uuid.uuid4().hex),
            SlotSet(slots.RECEIPT_NO, None),
        ]


class SubmitPetition(Action):
    """The form is complete and confirmed: store it once, give the receipt, start clean."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "action_submit_petition"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        petition_id = tracker.get_slot(slots.PETITION)
        if petition_id not in self.services.catalog.petitions:
            dispatcher.utter_message(response="utter_default")
            return []
        petition = self.services.catalog.petition(petition_id)
        values = conversation.values(tracker, petition)
        asked = {f.id for f in petition.active_fields(values)}
        run = tracker.get_slot(slots.PETITION_RUN) or "single"
        draft = SubmissionDraft(
            idempotency_key=f"{tracker.sender_id}:{run}",
            petition_id=petition_id,
            language=conversation.language(tracker),
            channel=tracker.get_slot(slots.CHANNEL) or "web",
            conversation_id=tracker.sender_id,
            fields={k: v for k, v in values.items() if k in asked},
            warnings=stored_warnings(
                petition,
                {k: v for k, v in values.items() if k in asked},
                self.services.vault.reveal_text,
                now=self.services.clock(),
            ),
            transcript=conversation.transcript(tracker),
        )
        correcting = tracker.get_slot(slots.CORRECTING)
        if correcting:
            self.services.petitions.resubmit(correcting, draft.fields, draft.transcript)
            dispatcher.utter_message(response="utter_resubmitted", receipt_no=correcting)
            return [*_clear_petition(self.services), SlotSet(slots.RECEIPT_NO, correcting)]
        receipt_no = self.services.petitions.submit(draft)
        dispatcher.utter_message(
            response="utter_submitted",
            receipt_no=receipt_no,
            status_url=self.services.petitions.status_url(receipt_no),
        )
        return [*_clear_petition(self.services), SlotSet(slots.RECEIPT_NO, receipt_no)]


class CancelPetition(Action):
    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "action_cancel_petition"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        had_petition = tracker.get_slot(slots.PETITION) is not None
        dispatcher.utter_message(
            response="utter_cancelled" if had_petition else "utter_nothing_to_cancel"
        )
        return _clear_petition(self.services)


class StartCorrection(Action):
    """Staff returned a submission: its answers come back, the commented fields are asked
    again, and the summary leads to a resubmission under the same receipt number."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return "action_start_correction"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        receipt_no = conversation.entity(tracker, slots.RECEIPT_NO) or ""
        correction = self.services.petitions.correction(receipt_no)
        if correction is None or correction.petition_id not in self.services.catalog.petitions:
            return []
        petition = self.services.catalog.petition(correction.petition_id)
        dispatcher.utter_message(
            response="utter_correction_intro",
            receipt_no=receipt_no,
            petition=petition.id,
            comments=correction.comments,
        )
        values = {
            f.id: None if f.id in correction.comments else correction.fields.get(f.id)
            for f in petition.fields
        }
        return [
            *_clear_petition(self.services),
            *(SlotSet(k, v) for k, v in values.items()),
            SlotSet(slots.PETITION, petition.id),
            SlotSet(slots.PETITION_RUN, f"correction-{receipt_no}-{uuid.uuid4().hex[:8]}"),
            SlotSet(slots.CORRECTING, receipt_no),
            FollowupAction(petition.form_name),
        ]
