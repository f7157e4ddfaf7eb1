"""What the actions need from the app, as small interfaces; the app passes implementations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from forms.catalog import Catalog


@dataclass(frozen=True)
class SubmissionDraft:
    idempotency_key: str
    petition_id: str
    language: str
    channel: str
    conversation_id: str
    fields: dict[str, Any]  # identifiers as vault tokens, never plain
    # {field id: [{"code", "params"}]}: what the citizen was warned about (forms.fields)
    warnings: dict[str, list[dict[str, Any]]]
    transcript: list[dict[str, Any]]


class VaultPort(Protocol):
    def tokenize(self, conversation_id: str, kind: str, value: str) -> str: ...

    def reveal_text(self, text: str) -> str:
        """``text`` with every vault token replaced by the value it stands for."""
        ...

    def mask_tokens(self, text: str) -> str:
        """``text`` with every vault token replaced by the masked value (``900101-1******``)."""
        ...


@dataclass(frozen=True)
class PetitionStatus:
    receipt_no: str
    petition_id: str
    status: str
    submitted_at: datetime


@dataclass(frozen=True)
class Correction:
    """A submission staff returned for correction, as the citizen's conversation resumes it."""

    receipt_no: str
    petition_id: str
    fields: dict[str, Any]
    comments: dict[str, str]


class PetitionsPort(Protocol):
    def submit(self, draft: SubmissionDraft) -> str:
        """Stores the submission once per ``idempotency_key``; returns the receipt number."""
        ...

    def status_url(self, receipt_no: str) -> str: ...

    def status(self, receipt_no: str) -> PetitionStatus | None: ...

    def correction(self, receipt_no: str) -> Correction | None: ...

    def resubmit(self, receipt_no: str, fields: dict[str, Any], transcript: list[Any]) -> None: ...

    def request_callback(
        self, conversation_id: str, phone: str, language: str, petition_id: str | None
    ) -> None:
        """Puts a call-back request in the staff queue."""
        ...


class AttachmentsPort(Protocol):
    def taken_at(self, conversation_id: str, attachment_ids: list[str]) -> list[datetime | None]:
        """Camera times of the conversation's attachments (None where a photo has none)."""
        ...


class KnowledgePort(Protocol):
    def ask(
        self, question: str, language: str | None, petition: str | None, channel: str | None
    ) -> Any:
        """A ``knowledge.answer.Answer``: the answer, its sources and how it was made; an
        unanswered question is recorded (guarded) with its channel (web, kiosk)."""
        ...


def office_now() -> datetime:
    """Wall-clock time at the office (Korea), naive: what citizens mean by "3 pm today"."""
    return datetime.now(ZoneInfo("Asia/Seoul")).replace(tzinfo=None)


@dataclass(frozen=True)
class Services:
    catalog: Catalog
    vault: VaultPort
    petitions: PetitionsPort
    attachments: AttachmentsPort
    knowledge: KnowledgePort
    clock: Callable[[], datetime] = office_now
