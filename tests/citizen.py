"""A citizen talking to the real system over the chat API."""

from __future__ import annotations

from typing import Any

import httpx


class Citizen:
    def __init__(
        self, base_url: str, language: str, channel: str = "web", conversation_id: str | None = None
    ) -> None:
        """A new conversation, or with ``conversation_id`` the citizen coming back to one."""
        self.http = httpx.Client(base_url=base_url, timeout=120)
        self.messages: list[dict[str, Any]] = []
        if conversation_id:
            response = self.http.get(f"/api/conversations/{conversation_id}")
            assert response.status_code == 200, response.text
            self.id: str = conversation_id
            self.state: dict[str, Any] = response.json()["state"]
            return
        response = self.http.post(
            "/api/conversations", json={"language": language, "channel": channel}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        self.id = body["conversation_id"]
        self.messages = body["messages"]
        self.state = body["state"]

    def say(self, text: str) -> list[dict[str, Any]]:
        return self._post({"text": text})

    def press(self, title_or_payload: str) -> list[dict[str, Any]]:
        """Presses a button of the last bot messages, by payload or title."""
        for message in reversed(self.messages):
            for button in message.get("buttons") or []:
                if title_or_payload in (button["payload"], button["title"]):
                    return self._post({"payload": button["payload"]})
        raise AssertionError(f"no button {title_or_payload!r} in {self.messages}")

    def send_payload(self, payload: str) -> list[dict[str, Any]]:
        """A button payload sent as is (after coming back, the old buttons are not known)."""
        return self._post({"payload": payload})

    def upload(self, data: bytes, name: str = "photo.jpg") -> str:
        response = self.http.post(
            f"/api/conversations/{self.id}/attachments", files={"file": (name, data, "image/jpeg")}
        )
        assert response.status_code == 201, response.text
        return str(response.json()["attachment_id"])

    def attach(self, attachment_ids: list[str]) -> list[dict[str, Any]]:
        return self._post({"attachments": attachment_ids})

    def buttons(self) -> list[dict[str, str]]:
        return [b for m in self.messages for b in (m.get("buttons") or [])]

    def _post(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.http.post(f"/api/conversations/{self.id}/messages", json=body)
        assert response.status_code == 200, response.text
        data = response.json()
        self.messages, self.state = data["messages"], data["state"]
        return self.messages

    @property
    def text(self) -> str:
        return "\n".join(m["text"] for m in self.messages)

    @property
    def asking(self) -> str | None:
        return self.state["requested_slot"]
