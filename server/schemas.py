"""Request and response bodies of the citizen chat API (DESIGN.md), strict: unknown fields → 422."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Button(Strict):
    title: str
    payload: str


class Source(Strict):
    title: str
    url: str
    snippet: str


class Message(BaseModel):
    text: str
    buttons: list[Button] | None = None
    sources: list[Source] | None = None
    attachment: dict[str, object] | None = None


class State(BaseModel):
    language: str
    active_form: str | None
    requested_slot: str | None
    filled: dict[str, str]
    receipt_no: str | None


class NewConversation(Strict):
    language: str | None = Field(None, max_length=16)
    channel: Literal["web", "kiosk"] = "web"


class ConversationCreated(BaseModel):
    conversation_id: str
    messages: list[Message]
    state: State


class UserMessage(Strict):
    # The length limit is checked in the route so that oversized text answers 413, not 422.
    text: str | None = None
    payload: str | None = Field(None, max_length=1000)
    attachments: list[str] | None = Field(None, max_length=10)

    @model_validator(mode="after")
    def _something_to_say(self) -> UserMessage:
        if not (self.text and self.text.strip()) and not self.payload and not self.attachments:
            raise ValueError("a message needs text, a payload or attachments")
        if self.text is not None and self.payload is not None:
            raise ValueError("send either text or a payload, not both")
        return self


class TurnOut(BaseModel):
    messages: list[Message]
    state: State


class StateOut(BaseModel):
    state: State
    # Status notices of the conversation's petitions not shown yet (server/notify.py).
    messages: list[Message] = []


class AttachmentOut(BaseModel):
    attachment_id: str
    content_type: str
    taken_at: str | None = None


class PetitionStatus(BaseModel):
    receipt_no: str
    petition: str
    title: str
    status: str
    submitted_at: str
    updated_at: str


class KnowledgeQuestion(Strict):
    # The length limit is checked in the route so that an oversized question answers 413.
    question: str = Field(min_length=1)
    language: Literal["ko", "en", "zh", "vi", "th"] | None = None
    petition: str | None = Field(None, max_length=100)


class KnowledgeSource(Strict):
    id: str
    title: str
    url: str
    snippet: str


class KnowledgeAnswer(BaseModel):
    answer: str
    language: str
    sources: list[KnowledgeSource]
    grounded: bool
    mode: Literal["llm", "extractive", "dont_know"]
