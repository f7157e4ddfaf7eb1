from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.rasa_client import RasaTurn, RasaUnavailable
from server.settings import Settings


class FakeRasa:
    """Stands in for the Rasa server in fast API tests: records what the app sent it."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.slots: dict[str, Any] = {"language": "ko"}
        self.reply: list[dict[str, Any]] = [{"text": "ok"}]
        self.up = True
        self.delay = 0.0  # seconds a turn takes

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> RasaTurn:
        if not self.up:
            raise RasaUnavailable("down")
        self.received.append(text)
        await asyncio.sleep(self.delay)
        return RasaTurn(self.reply, await self.tracker(sender))

    async def tracker(self, sender: str) -> dict[str, Any]:
        return {"slots": self.slots, "active_loop": {}}

    async def ready(self) -> bool:
        return self.up


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def client(settings: Settings, rasa: FakeRasa) -> TestClient:
    with TestClient(create_app(settings, rasa=rasa)) as test_client:
        yield test_client
