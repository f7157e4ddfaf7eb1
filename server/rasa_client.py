"""The app's only door to Rasa: the project's channel for turns (bot/channels.py: the replies
and the state in one answer), the HTTP API (token) for trackers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import httpx


class RasaUnavailable(RuntimeError):
    """Rasa did not answer; the citizen is told to try again and nothing is lost."""


@dataclass(frozen=True)
class RasaTurn:
    """The bot's replies to one message and the tracker's state after it (``slots`` and
    ``active_loop``, the shape of the HTTP API's tracker)."""

    replies: list[dict[str, Any]]
    tracker: dict[str, Any]


class RasaGateway(Protocol):
    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> RasaTurn: ...
    async def tracker(self, sender: str) -> dict[str, Any]: ...
    async def ready(self) -> bool: ...


class RasaClient:
    def __init__(self, url: str, token: str, timeout: float) -> None:
        self._token = token
        self._http = httpx.AsyncClient(base_url=url.rstrip("/"), timeout=timeout)

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> RasaTurn:
        try:
            response = await self._http.post(
                "/webhooks/minwon/webhook",
                json={"sender": sender, "message": text, "metadata": metadata},
            )
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(f"Rasa did not take the message: {type(exc).__name__}") from exc
        return RasaTurn(list(body.get("messages") or []), dict(body.get("state") or {}))

    async def tracker(self, sender: str) -> dict[str, Any]:
        try:
            response = await self._http.get(
                f"/conversations/{sender}/tracker",
                params={"include_events": "NONE", "token": self._token},
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa did not give the tracker: {type(exc).__name__}") from exc
        return dict(response.json())

    async def ready(self) -> bool:
        try:
            response = await self._http.get("/status", params={"token": self._token}, timeout=3)
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and bool(response.json().get("model_file"))

    async def close(self) -> None:
        await self._http.aclose()
