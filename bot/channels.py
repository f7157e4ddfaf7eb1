"""The app's channel into Rasa: the REST channel's turn, answered together with the state.

Rasa's REST channel answers a message with the bot's replies only, so the app had to ask the
HTTP API for the tracker afterwards: a second request per turn, through the proxy, with the
token. This channel takes the same request and answers ``{"messages": [...], "state":
{"slots": ..., "active_loop": ...}}``, the state read from the tracker store in-process after
the turn was handled (the lock released, the tracker saved).
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


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
            agent = request.app.ctx.agent
            tracker = await agent.tracker_store.retrieve(sender_id)
            if tracker is None:
                return response.json({"error": "no tracker after the turn"}, status=500)
            state = {
                "slots": tracker.current_slot_values(),
                "active_loop": {"name": tracker.active_loop_name} if tracker.active_loop else {},
            }
            return response.json({"messages": collector.messages, "state": state})

        return webhook
