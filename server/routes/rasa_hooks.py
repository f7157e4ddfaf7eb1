"""What Rasa calls back: ``/webhook`` (custom actions, in-process with rasa-sdk's executor) and
``/nlg`` (every bot text). Both listen on the app's loopback port only in the default setup."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

from server.deps import ContainerDep

log = logging.getLogger(__name__)
router = APIRouter(tags=["rasa"], include_in_schema=False)


@router.post("/webhook")
async def webhook(
    container: ContainerDep, action_call: Annotated[dict[str, Any], Body()]
) -> JSONResponse:
    if not isinstance(action_call.get("tracker"), dict) or not action_call.get("next_action"):
        return _malformed("/webhook")
    try:
        result = await container.executor.run(action_call)
    except ActionExecutionRejection as exc:
        return JSONResponse({"error": exc.message, "action_name": exc.action_name}, status_code=400)
    except ActionNotFoundException as exc:
        log.error("Rasa asked for an unknown action %s", exc.action_name)
        return JSONResponse({"error": exc.message, "action_name": exc.action_name}, status_code=404)
    return JSONResponse(result.model_dump() if result else None)


@router.post("/nlg", response_model=None)
async def nlg(
    container: ContainerDep, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any] | JSONResponse:
    response = str(body.get("response") or body.get("template") or "")
    arguments, tracker = body.get("arguments") or {}, body.get("tracker") or {}
    if not isinstance(arguments, dict) or not isinstance(tracker, dict):
        return _malformed("/nlg")
    if not isinstance(tracker.get("slots") or {}, dict):
        return _malformed("/nlg")
    return container.nlg.render(response, arguments, tracker)


def _malformed(path: str) -> JSONResponse:
    """Only Rasa calls these; a body of the wrong shape is a 400, never a crash."""
    log.warning("malformed request to %s", path)
    return JSONResponse({"error": "malformed request"}, status_code=400)
