"""What the actions need from the app, as small interfaces; the app passes implementations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from forms.catalog import Catalog


@dataclass(frozen=True)
class SubmissionDraft:
    idempotency_key: str
    petition_id: str
    language: str
    channel: str
    conversation_id: str
    fields: dict[str, Any]  # identifiers as vault tokens, never plain
    warnings: dict[str, list[str]]
    transcript: list[dict[str, Any]]


class VaultPort(Protocol):
    def tokenize(self, conversation_id: str, kind: str, value: str) -> str: ...

    def reveal_text(self, text: str) -> str:
        """``text`` with every vault token replaced by the value it stands for."""
        ...

    def mask_tokens(self, text: str) -> str:
        """``text`` with every vault token replaced by the masked value (``900101-1******``)."""
        ...


class PetitionsPort(Protocol):
    def submit(self, draft: SubmissionDraft) -> str:
        """Stores the submission once per ``idempotency_key``; returns the receipt number."""
        ...

    def status_url(self, receipt_no: str) -> str: ...


@dataclass(frozen=True)
class Services:
    catalog: Catalog
    vault: VaultPort
    petitions: PetitionsPort
