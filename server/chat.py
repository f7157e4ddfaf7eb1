"""The citizen chat service behind ``/api/conversations``.

Every message passes here on its way to Rasa: identifiers are swapped for vault tokens first
(the whole message when the citizen is answering an identifier question), and tokens in the
replies are masked. The state returned to the client is the tracker's, which Rasa sends with
the replies (bot/channels.py).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from actions import slots as slot_names
from forms.catalog import Catalog
from forms.languages import normalise_language
from server.display import shown_values
from server.pii import Vault
from server.rasa_client import RasaGateway, RasaTurn
from server.store.repositories import (
    AttachmentRepository,
    ConversationRepository,
    SubmissionRepository,
)

if TYPE_CHECKING:
    from server.notify import ChatNotices
    from server.store.notifications import ChatNotice

_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z_][\w]*)(?P<entities>\{.*\})?$", re.DOTALL)


class UnknownConversation(LookupError):
    pass


class BadPayload(ValueError):
    pass


class TooManyMessages(RuntimeError):
    pass


class UnknownAttachment(ValueError):
    pass


@dataclass(frozen=True)
class Turn:
    messages: list[dict[str, Any]]
    state: dict[str, Any]
    # Seconds the turn waited on Rasa (with its actions) and spent in the app's own work.
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Outgoing:
    message: str
    language: str
    channel: str
    attachments: list[str]
    pending: list[ChatNotice]


class ChatService:
    def __init__(
        self,
        rasa: RasaGateway,
        conversations: ConversationRepository,
        submissions: SubmissionRepository,
        vault: Vault,
        catalog: Catalog,
        allowed_intents: frozenset[str],
        attachments: AttachmentRepository,
        allow: Callable[[str], bool],
        notices: ChatNotices | None = None,
        unit_of_work: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> None:
        """``allow`` is the per-conversation rate limit, asked once the conversation is known."""
        self.rasa = rasa
        self.attachments = attachments
        self.allow = allow
        self.unit_of_work = unit_of_work
        self.conversations = conversations
        self.submissions = submissions
        self.vault = vault
        self.catalog = catalog
        self.allowed_intents = allowed_intents
        self.notices = notices

    async def start(self, language: str | None, channel: str) -> tuple[str, Turn]:
        started = time.perf_counter()
        conversation_id = uuid.uuid4().hex
        lang = normalise_language(language)
        await asyncio.to_thread(self.conversations.create, conversation_id, lang, channel)
        opening = "/start_conversation" + json.dumps({"language": lang, "channel": channel})
        turn = await self._turn(conversation_id, opening, lang, channel)
        return conversation_id, _timed(turn, started)

    async def post(
        self,
        conversation_id: str,
        text: str | None,
        payload: str | None,
        attachments: list[str] | None = None,
    ) -> Turn:
        # The database work runs in a worker thread: a query waiting on PostgreSQL must not hold
        # the event loop, which also serves Rasa's /webhook and /nlg calls of other turns.
        started = time.perf_counter()
        outgoing = await asyncio.to_thread(
            self._outgoing, conversation_id, text, payload, attachments or []
        )
        turn = await self._turn(
            conversation_id,
            outgoing.message,
            outgoing.language,
            outgoing.channel,
            outgoing.attachments,
        )
        if outgoing.pending:
            turn = await asyncio.to_thread(self._announced, turn, outgoing.pending)
        return _timed(turn, started)

    async def state(self, conversation_id: str) -> dict[str, Any]:
        if await asyncio.to_thread(self.conversations.get, conversation_id) is None:
            raise UnknownConversation(conversation_id)
        tracker = await self.rasa.tracker(conversation_id)
        return await asyncio.to_thread(self._state, tracker)

    def notices_for(self, conversation_id: str, language: str) -> list[dict[str, Any]]:
        """Pending status notices of the conversation, as messages, marked delivered: for a
        citizen who opens the conversation again."""
        if self.notices is None:
            return []
        return self.notices.deliver(self.notices.pending(conversation_id), language)

    # --- internals ---------------------------------------------------------------------------

    def _outgoing(
        self, conversation_id: str, text: str | None, payload: str | None, attachments: list[str]
    ) -> _Outgoing:
        """What goes to Rasa for the citizen's message, and the notices waiting to be told."""
        with self.unit_of_work():
            row = self.conversations.get(conversation_id)
            if row is None:
                raise UnknownConversation(conversation_id)
            if not self.allow(conversation_id):
                raise TooManyMessages(conversation_id)
            if attachments and not self.attachments.owned_by(conversation_id, attachments):
                raise UnknownAttachment(conversation_id)
            # Status changes of this conversation's petitions open the reply (server/notify.py).
            pending = self.notices.pending(conversation_id) if self.notices else []
            if not row.active_form:
                returned = self.submissions.pending_correction(conversation_id)
                if returned is not None:  # staff sent it back: the correction comes first
                    if self.notices:  # and tells of the return itself: no separate notice
                        self.notices.correction_started(returned.receipt_no)
                    opening = "/start_correction" + json.dumps({"receipt_no": returned.receipt_no})
                    return _Outgoing(opening, row.language, row.channel, [], pending)
            if payload is not None:
                message = self._checked_payload(payload)
            else:
                message = (text or "").strip()
                if message.startswith("/"):  # typed text never acts as a button payload
                    message = message.lstrip("/")
            if not message and attachments:
                message = "/inform"
            whole = self._answering_identifier(row.active_form, row.requested_slot)
            message = self.vault.scrub(conversation_id, message, whole=whole)
            return _Outgoing(message, row.language, row.channel, attachments, pending)

    def _announced(self, turn: Turn, pending: list[ChatNotice]) -> Turn:
        """The turn with the notices in front, in the conversation's language after the turn
        (marked delivered only once the turn succeeded)."""
        if not pending or self.notices is None:
            return turn
        notices = self.notices.deliver(pending, turn.state["language"])
        return replace(turn, messages=notices + turn.messages)

    def _checked_payload(self, payload: str) -> str:
        match = _PAYLOAD.match(payload.strip())
        if not match or match.group("intent") not in self.allowed_intents:
            raise BadPayload("payload must be one of the bot's buttons (/intent{json})")
        if match.group("entities"):
            try:
                entities = json.loads(match.group("entities"))
            except json.JSONDecodeError:
                raise BadPayload("payload entities must be a JSON object") from None
            if not isinstance(entities, dict):
                raise BadPayload("payload entities must be a JSON object")
        return payload.strip()

    def _answering_identifier(self, active_form: str | None, requested_slot: str | None) -> bool:
        if not active_form or not requested_slot:
            return False
        petition = self.catalog.petitions.get(active_form.removesuffix("_form"))
        if petition is None:
            return False
        return any(f.id == requested_slot and f.pii == "identifier" for f in petition.fields)

    async def _turn(
        self,
        conversation_id: str,
        message: str,
        language: str,
        channel: str,
        attachments: list[str] | None = None,
    ) -> Turn:
        metadata: dict[str, Any] = {"language": language, "channel": channel}
        if attachments:
            metadata["attachments"] = attachments
        started = time.perf_counter()
        answer = await self.rasa.send(conversation_id, message, metadata)
        rasa = time.perf_counter() - started
        turn = await asyncio.to_thread(self._answered, conversation_id, answer)
        return replace(turn, timings={"rasa": rasa})

    def _answered(self, conversation_id: str, answer: RasaTurn) -> Turn:
        """The turn for the client, and the conversation's new position recorded."""
        with self.unit_of_work():
            tracker = answer.tracker
            state = self._state(tracker)
            self.conversations.record_position(
                conversation_id, state["language"], tracker_form(tracker), state["requested_slot"]
            )
            messages: list[dict[str, Any]] = []
            for reply in answer.replies:
                message = self._message(reply)
                if not message["text"] and messages and set(message) - {"text"}:
                    # Rasa's REST channel sends a response's custom part as a message of its own.
                    messages[-1].update({k: v for k, v in message.items() if k != "text"})
                elif message["text"] or set(message) - {"text"}:
                    messages.append(message)
            return Turn(messages, state)

    def _message(self, reply: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {"text": self.vault.mask_tokens(reply.get("text") or "")}
        if reply.get("buttons"):
            message["buttons"] = [
                {"title": b.get("title", ""), "payload": b.get("payload", "")}
                for b in reply["buttons"]
            ]
        custom = reply.get("custom") or {}
        if custom.get("sources"):
            message["sources"] = custom["sources"]
        if custom.get("attachment"):
            message["attachment"] = custom["attachment"]
        return message

    def _state(self, tracker: dict[str, Any]) -> dict[str, Any]:
        slots: dict[str, Any] = tracker.get("slots") or {}
        language = normalise_language(slots.get(slot_names.LANGUAGE))
        form = tracker_form(tracker)
        petition_id = slots.get(slot_names.PETITION)
        petition = self.catalog.petitions.get(str(petition_id)) if petition_id else None
        filled = shown_values(petition, slots, language, self.vault) if petition else {}
        form_petition = form.removesuffix("_form") if form else None
        return {
            "language": language,
            "active_form": form_petition if form_petition in self.catalog.petitions else None,
            "requested_slot": slots.get(slot_names.REQUESTED_SLOT) if form else None,
            "filled": filled,
            "receipt_no": slots.get(slot_names.RECEIPT_NO),
        }


def tracker_form(tracker: dict[str, Any]) -> str | None:
    loop = tracker.get("active_loop") or {}
    return loop.get("name") or None


def _timed(turn: Turn, started: float) -> Turn:
    """The turn with the app's own share of its time: all of it but the wait on Rasa."""
    rasa = turn.timings.get("rasa", 0.0)
    return replace(turn, timings={"app": time.perf_counter() - started - rasa, "rasa": rasa})
