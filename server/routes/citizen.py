"""The citizen chat API (DESIGN.md): conversations, messages, attachments, petition status."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, HTTPException, Query, Request, Response, UploadFile, status

from forms.photos import MAX_PHOTO_BYTES, PhotoError, inspect_photo
from server.chat import (
    BadPayload,
    TooManyMessages,
    Turn,
    UnknownAttachment,
    UnknownConversation,
)
from server.deps import ContainerDep
from server.routes.pages import submission_by_link
from server.schemas import (
    AttachmentOut,
    ConversationCreated,
    NewConversation,
    PetitionStatus,
    StateOut,
    TurnOut,
    UserMessage,
)

router = APIRouter(prefix="/api", tags=["citizen"])


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


TOO_MANY = "Too many messages; wait a moment."


def turn_timing(turn: Turn) -> str:
    """``app;dur=6.2, rasa;dur=48.0`` (ms): the app's own work and the wait on Rasa, for
    browsers' developer tools and the benchmarks; never any text."""
    return ", ".join(f"{name};dur={1000 * s:.1f}" for name, s in turn.timings.items())


def limit_requests(container: ContainerDep, request: Request) -> None:
    """The per-client limit; the per-conversation one is the chat service's (it knows the
    conversation exists)."""
    if not container.per_client.allow(_client(request)):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, TOO_MANY)


@router.post("/conversations", status_code=201, response_model=ConversationCreated)
async def create_conversation(
    body: NewConversation, request: Request, response: Response, container: ContainerDep
) -> dict[str, object]:
    limit_requests(container, request)
    conversation_id, turn = await container.chat.start(body.language, body.channel)
    response.headers["Server-Timing"] = turn_timing(turn)
    return {"conversation_id": conversation_id, "messages": turn.messages, "state": turn.state}


@router.post("/conversations/{conversation_id}/messages", response_model=TurnOut)
async def post_message(
    conversation_id: str,
    body: UserMessage,
    request: Request,
    response: Response,
    container: ContainerDep,
) -> dict[str, object]:
    if body.text is not None and len(body.text) > container.settings.chat.max_text_chars:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"Text is longer than {container.settings.chat.max_text_chars} characters.",
        )
    limit_requests(container, request)
    # The service checks, in one unit of work off the event loop: the conversation exists
    # (404), its own rate limit (429), the attachments are its own (422).
    try:
        turn = await container.chat.post(conversation_id, body.text, body.payload, body.attachments)
    except UnknownConversation:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Unknown conversation.") from None
    except TooManyMessages:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, TOO_MANY) from None
    except UnknownAttachment:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "Unknown attachment id."
        ) from None
    except BadPayload as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    response.headers["Server-Timing"] = turn_timing(turn)
    return {"messages": turn.messages, "state": turn.state}


@router.get("/conversations/{conversation_id}", response_model=StateOut)
async def get_conversation(conversation_id: str, container: ContainerDep) -> dict[str, object]:
    try:
        state = await container.chat.state(conversation_id)
    except UnknownConversation:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Unknown conversation.") from None
    # A citizen opening the conversation again hears of their petitions' status changes.
    notices = await asyncio.to_thread(
        container.chat.notices_for, conversation_id, state["language"]
    )
    return {"state": state, "messages": notices}


@router.post(
    "/conversations/{conversation_id}/attachments", status_code=201, response_model=AttachmentOut
)
async def upload_attachment(
    conversation_id: str, file: UploadFile, request: Request, container: ContainerDep
) -> dict[str, object]:
    if await asyncio.to_thread(container.conversations.get, conversation_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Unknown conversation.")
    limit_requests(container, request)
    if not container.per_conversation.allow(conversation_id):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, TOO_MANY)
    data = await file.read(MAX_PHOTO_BYTES + 1)
    try:
        info = inspect_photo(data)
    except PhotoError as exc:
        code = (
            status.HTTP_413_CONTENT_TOO_LARGE
            if exc.code == "photo.too_large"
            else status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
        )
        raise HTTPException(code, "Send a JPEG or PNG photo of at most 10 MB.") from None
    attachment_id = await asyncio.to_thread(
        container.attachments.add, conversation_id, info.content_type, data, info.taken_at
    )
    return {
        "attachment_id": attachment_id,
        "content_type": info.content_type,
        "taken_at": info.taken_at.isoformat() if info.taken_at else None,
    }


@router.get("/petitions/{receipt_no}", response_model=PetitionStatus)
def petition_status(  # plain def: FastAPI runs it in its thread pool
    receipt_no: str, container: ContainerDep, token: str = Query(..., max_length=64)
) -> dict[str, object]:
    submission = submission_by_link(container, receipt_no, token)
    petition = container.catalog.petition(submission.petition_id)
    return {
        "receipt_no": submission.receipt_no,
        "petition": submission.petition_id,
        "title": petition.title(submission.language),
        "status": submission.status,
        "submitted_at": submission.submitted_at.isoformat(),
        "updated_at": submission.updated_at.isoformat(),
    }
