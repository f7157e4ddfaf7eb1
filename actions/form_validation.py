"""One validation action for every petition form, driven by the catalog.

Rasa runs ``validate_<petition>_form`` after each answer. The answer to the requested field is
checked by the field's validator in ``forms/`` (on the real value: identifiers arrive as vault
tokens and are revealed in-process); an invalid answer is explained in the citizen's language
and asked again, with the help text after repeated failures. A confident digression (a question,
cancel, another language) returns no slot, so Rasa rejects the form for this turn and the
digression rules answer; the form then asks its question once more.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions import conversation, slots
from actions.assistance import file_callback
from actions.corrections import field_named_in
from actions.language import language_requested_in
from actions.ports import Services
from forms.catalog import FieldDef, Petition
from forms.fields import check, check_photos, warning_params
from forms.validators import Invalid, Valid

# Field types whose validator recognises a value anywhere in a sentence: a valid parse wins
# over whatever intent the NLU guessed (a phone number is never "goodbye").
_STRICT_TYPES = frozenset(
    {
        "rrn",
        "foreigner_reg_no",
        "passport",
        "phone",
        "phone_any",
        "email",
        "address",
        "postal_code",
        "count",
        "date",
        "datetime",
        "vehicle_plate",
    }
)
# Words saying an earlier answer was wrong or should change, in the five languages.
_CHANGE_CUE = re.compile(
    r"바꾸|바꿀|바꿔|틀렸|틀려|잘못|수정|고치|고칠|change|wrong|fix|correct|edit|update|"
    r"改|错|修改|更正|sửa|sai|đổi|thay|แก้|ผิด|เปลี่ยน",
    re.IGNORECASE,
)
# In a correction sentence ("it's 010-…") only these can be told from the words around them.
_VALUE_IN_SENTENCE = _STRICT_TYPES | {"choice"}
HELP_AFTER_FAILURES = 2


class PetitionFormValidation(FormValidationAction):
    def __init__(self, petition: Petition, services: Services) -> None:
        self.petition = petition
        self.services = services

    def name(self) -> str:
        return f"validate_{self.petition.form_name}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        values = conversation.values(tracker, self.petition)
        events: list[EventType] = []
        requested = tracker.get_slot(slots.REQUESTED_SLOT)
        answering = requested and conversation.citizen_just_spoke(tracker)

        if answering and requested == slots.CONFIRMATION:
            outcome = self._confirmation(dispatcher, tracker, values)
        elif answering and requested in values:
            outcome = self._answer(dispatcher, tracker, self.petition.field(requested))
        else:
            outcome = {}
        if outcome is None:  # a digression: no slot, Rasa hands the turn to the rules
            return []
        events.extend(SlotSet(k, v) for k, v in outcome.items())
        values.update({k: v for k, v in outcome.items() if k in values})
        confirmation = outcome.get(slots.CONFIRMATION, tracker.get_slot(slots.CONFIRMATION))
        events.append(SlotSet(slots.REQUESTED_SLOT, self._next_slot(values, confirmation)))
        return events

    def _next_slot(self, values: dict[str, Any], confirmation: Any) -> str | None:
        for field in self.petition.active_fields(values):
            if values.get(field.id) is None:
                return field.id
        return None if confirmation else slots.CONFIRMATION

    # --- one field -----------------------------------------------------------------------

    def _answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, field: FieldDef
    ) -> dict[str, Any] | None:
        change = self._field_to_change(dispatcher, tracker)
        if change is not None:
            return change
        if field.type == "photos":
            return self._photos(dispatcher, tracker, field)
        from_button = conversation.entity(tracker, field.id)
        text = from_button if from_button is not None else conversation.user_text(tracker)
        if from_button is None and conversation.is_payload(tracker):
            return None  # a button of something else (cancel, language …)
        if not field.required and (
            from_button == slots.SKIP or text.strip().lower() in slots.SKIP_WORDS
        ):
            return {field.id: "", slots.FAILURES: {}}  # "" = skipped, None = not asked yet
        switch = self._language_request(tracker, text) if from_button is None else None
        if switch is not None:
            return switch
        real = self.services.vault.reveal_text(text)  # validators need the real value
        result = check(field, real, now=self.services.clock())
        digressing = conversation.digressing(tracker)
        if from_button is None and digressing:
            strict_hit = field.type in _STRICT_TYPES and isinstance(result, Valid)
            if not strict_hit:
                return None
        if not isinstance(result, Valid) and from_button is None:
            # Not an answer to this question: maybe a change of an earlier one in plain words.
            change = self._field_to_change(
                dispatcher, tracker, any_intent=_CHANGE_CUE.search(text) is not None
            )
            if change is not None:
                return change
        if isinstance(result, Valid):
            for code in result.warnings:
                dispatcher.utter_message(
                    response="utter_field_warning", code=code, params=warning_params(field, result)
                )
            stored = result.value
            if field.pii == "identifier":  # the slot holds a token, the vault the number
                stored = self.services.vault.tokenize(tracker.sender_id, field.type, result.value)
            outcome: dict[str, Any] = {field.id: stored, slots.FAILURES: {}}
            if field.type in ("phone", "phone_any") and tracker.get_slot(slots.CALLBACK_WANTED):
                file_callback(self.services, dispatcher, tracker, str(stored))
                outcome[slots.CALLBACK_WANTED] = None
            return outcome
        return self._invalid(dispatcher, tracker, field, result)

    def _language_request(self, tracker: Tracker, text: str) -> dict[str, Any] | None:
        """Asking for another language in the middle of a form, in so many words: switched at
        once, every answer kept; the form asks its question again in the new language."""
        wanted = language_requested_in(text)
        if wanted is None or wanted == conversation.language(tracker):
            return None
        return {slots.LANGUAGE: wanted, slots.FAILURES: {}}

    def _invalid(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, field: FieldDef, result: Invalid
    ) -> dict[str, Any]:
        failures = tracker.get_slot(slots.FAILURES) or {}
        count = int(failures.get(field.id, 0)) + 1
        dispatcher.utter_message(
            response="utter_invalid_value",
            field=field.id,
            code=result.code,
            params=dict(result.params),
            show_help=count >= HELP_AFTER_FAILURES,
        )
        return {field.id: None, slots.FAILURES: {field.id: count}}

    def _photos(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, field: FieldDef
    ) -> dict[str, Any] | None:
        """Photos arrive as attachments, one message or several; they are kept until the set
        satisfies the field's rule (how many, how far apart in camera time)."""
        new = conversation.attachments(tracker)
        if not new and (conversation.is_payload(tracker) or conversation.digressing(tracker)):
            return None
        pending = list(tracker.get_slot(slots.PENDING_PHOTOS) or [])
        pending += [i for i in new if i not in pending]
        times = self.services.attachments.taken_at(tracker.sender_id, pending)
        result = check_photos(field, times)
        if isinstance(result, Valid):
            return {field.id: pending, slots.PENDING_PHOTOS: None, slots.FAILURES: {}}
        if result.code == "photos.too_many":
            pending = pending[: field.max or 5]
        outcome = self._invalid(dispatcher, tracker, field, result)
        outcome[slots.PENDING_PHOTOS] = pending
        return outcome

    # --- the summary ---------------------------------------------------------------------

    def _field_to_change(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, *, any_intent: bool = False
    ) -> dict[str, Any] | None:
        """A change of an earlier answer (a summary button, or plain words such as "my phone
        number is wrong, it's 010-…"): the new value is taken at once when the sentence holds a
        valid one for a strictly checked field; otherwise the field is asked again."""
        intent, _ = conversation.intent(tracker)
        if intent != "change_field" and not any_intent:
            return None
        values = conversation.values(tracker, self.petition)
        active = {f.id for f in self.petition.active_fields(values)}
        wanted = conversation.entity(tracker, "field")
        text = self.services.vault.reveal_text(conversation.user_text(tracker))
        field = (
            self.petition.field(wanted)
            if wanted in active
            else None
            if conversation.is_payload(tracker)
            else field_named_in(text, self.petition, active)
        )
        if field is None:
            if intent != "change_field":
                return None
            dispatcher.utter_message(response="utter_choose_change")
            return {slots.CONFIRMATION: None, slots.FAILURES: {}}
        reset = {field.id: None, slots.CONFIRMATION: None, slots.FAILURES: {}}
        if wanted is not None or field.type not in _VALUE_IN_SENTENCE:
            return reset
        result = check(field, text, now=self.services.clock())
        if not isinstance(result, Valid):
            return reset
        stored = result.value
        if field.pii == "identifier":
            stored = self.services.vault.tokenize(tracker.sender_id, field.type, result.value)
        return {**reset, field.id: stored}

    def _confirmation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, values: dict[str, Any]
    ) -> dict[str, Any] | None:
        intent, confidence = conversation.intent(tracker)
        # At the summary a sentence naming a field is a correction, whatever the NLU guessed.
        change = self._field_to_change(
            dispatcher,
            tracker,
            any_intent=intent not in ("affirm", "deny") and not conversation.is_payload(tracker),
        )
        if change is not None:
            return change
        if intent == "affirm":
            return {slots.CONFIRMATION: True}
        if intent == "deny":
            dispatcher.utter_message(response="utter_choose_change")
            return {slots.CONFIRMATION: None}
        if intent in slots.DIGRESSIONS and (
            confidence >= slots.DIGRESSION_CONFIDENCE or conversation.is_payload(tracker)
        ):
            return None
        dispatcher.utter_message(response="utter_use_buttons")
        return {slots.CONFIRMATION: None}


def form_validations(services: Services) -> list[PetitionFormValidation]:
    return [PetitionFormValidation(p, services) for p in services.catalog.petitions.values()]
