"""How a hand-off package reaches a target: an HTTP receiver (signed POST) or a folder that a
back-office system imports files from. An adapter returns the acknowledgement (what the
target calls the package, if anything) or raises ``DeliveryFailed`` — the row is retried."""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from pathlib import Path
from typing import Protocol

import httpx

from server.handoff_package import SCHEMA_ID, Package
from server.settings import HandoffTarget

SIGNATURE_HEADER = "X-Minwon-Signature"
DELIVERY_HEADER = "X-Minwon-Delivery"
SCHEMA_HEADER = "X-Minwon-Schema"


class DeliveryFailed(Exception):
    """The target did not take the package this time (retried with back-off)."""


class Adapter(Protocol):
    def deliver(self, package: Package) -> str | None: ...


def signature(secret: bytes, body: bytes) -> str:
    """The X-Minwon-Signature value: ``sha256=`` + hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


class HttpAdapter:
    """POSTs the JSON package; a 2xx answer acknowledges it (its JSON ``id``, if any, is kept);
    timeouts, connection errors and any other status are retried."""

    def __init__(self, url: str, secret: bytes, timeout_seconds: float) -> None:
        self.url = url
        self.secret = secret
        self.timeout = timeout_seconds

    def headers(self, package: Package) -> dict[str, str]:
        return {
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: signature(self.secret, package.body),
            DELIVERY_HEADER: str(package.delivery_id),
            SCHEMA_HEADER: SCHEMA_ID,
            "User-Agent": "minwon-handoff/1",
        }

    def deliver(self, package: Package) -> str | None:
        try:
            with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
                response = client.post(
                    self.url, content=package.body, headers=self.headers(package)
                )
        except httpx.TimeoutException:
            raise DeliveryFailed(f"no answer within {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"connection failed: {type(exc).__name__}: {exc}") from None
        if not response.is_success:
            excerpt = " ".join(response.text[:200].split())
            raise DeliveryFailed(
                f"HTTP {response.status_code}" + (f": {excerpt}" if excerpt else "")
            )
        return _receiver_id(response)


def _receiver_id(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and body.get("id") not in (None, ""):
        return str(body["id"])[:200]
    return None


class FolderAdapter:
    """Writes <receipt>-<event>.pdf then <receipt>-<event>.json into the folder, each through a
    hidden temporary file renamed into place: an importer that picks up ``*.json`` never sees
    half a package, and finds the PDF already there. A redelivery replaces both."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def deliver(self, package: Package) -> str | None:
        stem = f"{package.receipt_no}-{package.event}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(self.folder / f"{stem}.pdf", package.pdf)
            write_atomically(self.folder / f"{stem}.json", package.body)
        except OSError as exc:
            raise DeliveryFailed(f"cannot write to {self.folder}: {exc.strerror or exc}") from None
        return f"{stem}.json"


def write_atomically(path: Path, data: bytes) -> None:
    """Temp file in the same folder, flushed to disk, then renamed over ``path``."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, renamed or removed)
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o640)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)


def adapter_for(target: HandoffTarget) -> Adapter:
    if target.kind == "http":
        return HttpAdapter(
            target.url, target.secret.get_secret_value().encode(), target.timeout_seconds
        )
    assert target.folder is not None  # checked by the settings
    return FolderAdapter(target.folder)
