"""Security headers on every response: a strict Content-Security-Policy (scripts only from the
app, no inline script), who may frame which page, and no referrer (status links carry a token);
and a request body larger than its route allows refused before it is read.

Both are pure ASGI middleware: every chat turn, and every call Rasa makes back to the app for
its actions and texts, passes through them, so they add no task or stream of their own."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.settings import Settings

_BASE_POLICY = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
    # Official form documents and charts style elements inline; scripts never run inline.
    "style-src 'self' 'unsafe-inline'; font-src 'self' data:; media-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'"
)

_DESK_FRAME = re.compile(r"^/staff/submissions/[^/]+/form$")


def frame_ancestors(path: str, settings: Settings) -> str:
    """The chat panel may sit in the city's pages; staff pages in nobody's; the rest only in
    the app's own pages."""
    if path == "/widget":
        return " ".join(["'self'", *settings.widget.allowed_hosts])
    if _DESK_FRAME.match(path):  # the masked form shown inside the submission page
        return "'self'"
    if path.startswith(("/staff", "/api/staff")):
        return "'none'"
    return "'self'"


def headers_for(path: str, settings: Settings) -> list[tuple[bytes, bytes]]:
    ancestors = frame_ancestors(path, settings)
    headers = [
        (b"content-security-policy", f"{_BASE_POLICY}; frame-ancestors {ancestors}".encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
    ]
    if ancestors == "'none'":
        headers.append((b"x-frame-options", b"DENY"))
    elif ancestors == "'self'":
        headers.append((b"x-frame-options", b"SAMEORIGIN"))
    return headers


class SecurityHeaders:
    """Pure ASGI middleware (streams and file responses pass through untouched)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = headers_for(scope["path"], self.settings)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((k, v) for k, v in extra if k not in names),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """413 for a request whose Content-Length is over ``limits(path)`` bytes."""

    def __init__(self, app: ASGIApp, limits: Callable[[str], int]) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = dict(scope["headers"]).get(b"content-length", b"")
            if length.isdigit() and int(length) > self.limits(scope["path"]):
                body = json.dumps({"detail": "Request body too large."}).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 413,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
