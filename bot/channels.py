"""The app's channel into Rasa: the REST channel's turn, answered together with the state.

Rasa's REST channel answers a message with the bot's replies only, so the app had to ask the
HTTP API for the tracker afterwards: a second request per turn, through the proxy, with the
token. This channel takes the same request and answers ``{"messages": [...], "state":
{"slots": ..., "active_loop": ...}}``: the state of the tracker the processor saved at the end
of the turn (its ``save_tracker`` is wrapped to hand it over), or, when that is not available
(another request of the same conversation in flight on this server), the tracker read again
from the store.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

# Conversations whose request waits here for the state of the tracker saved by its turn.
_WAITING: dict[str, dict[str, Any] | None] = {}


def _state(tracker: DialogueStateTracker) -> dict[str, Any]:
    loop = {"name": tracker.active_loop_name} if tracker.active_loop else {}
    return {"slots": tracker.current_slot_values(), "active_loop": loop}


def _hand_over_saved_trackers(processor: MessageProcessor) -> None:
    """Wraps the processor's ``save_tracker`` (once per processor: a new model brings a new
    one) so that the state it saves reaches the request waiting for it."""
    if getattr(processor, "_minwon_hands_over", False):
        return
    save = processor.save_tracker

    async def save_tracker(tracker: DialogueStateTracker) -> None:
        await save(tracker)
        if tracker.sender_id in _WAITING:
            _WAITING[tracker.sender_id] = _state(tracker)

    processor.save_tracker = save_tracker  # type: ignore[method-assign]
    processor._minwon_hands_over = True  # type: ignore[attr-defined]


class MinwonInput(RestInput):
    """``POST /webhooks/minwon/webhook`` with the REST channel's body (sender, message,
    metadata)."""

    @classmethod
    def name(cls) -> str:
        return "minwon"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("minwon_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            if not sender_id:
                return response.json({"error": "sender is required"}, status=400)
            collector = CollectingOutputChannel()
            agent = request.app.ctx.agent
            if agent.processor is not None:
                _hand_over_saved_trackers(agent.processor)
            waits = sender_id not in _WAITING  # else another turn of it is in flight here
            if waits:
                _WAITING[sender_id] = None
            try:
                await on_new_message(
                    UserMessage(
                        self._extract_message(request),
                        collector,
                        sender_id,
                        input_channel=self.name(),
                        metadata=self.get_metadata(request),
                    )
                )
            except CancelledError:
                # Never the message text: it may hold what the citizen typed.
                logger.error("minwon channel: the turn timed out")
                return response.json({"error": "the turn timed out"}, status=503)
            except Exception:
                logger.exception("minwon channel: the turn failed")
                return response.json({"error": "the turn failed"}, status=500)
            finally:
                state = _WAITING.pop(sender_id, None) if waits else None
            if state is None:
                tracker = await agent.tracker_store.retrieve(sender_id)
                if tracker is None:
                    return response.json({"error": "no tracker after the turn"}, status=500)
                state = _state(tracker)
            return response.json({"messages": collector.messages, "state": state})

        return webhook
