"""Repositories: the only code that queries the tables."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from actions.ports import SubmissionDraft
from server.store.db import Database
from server.store.models import (
    Attachment,
    CallbackRequest,
    Conversation,
    Submission,
    UnansweredQuestion,
    utcnow,
)

_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed on a keypad


class ConversationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def create(self, conversation_id: str, language: str, channel: str) -> None:
        with self._db.session() as session:
            session.add(Conversation(id=conversation_id, language=language, channel=channel))

    def get(self, conversation_id: str) -> Conversation | None:
        with self._db.session() as session:
            return session.get(Conversation, conversation_id)

    def record_position(
        self,
        conversation_id: str,
        language: str,
        active_form: str | None,
        requested_slot: str | None,
    ) -> None:
        with self._db.session() as session:  # one statement: this runs on every chat turn
            session.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id)
                .values(
                    language=language,
                    active_form=active_form,
                    requested_slot=requested_slot,
                    updated_at=utcnow(),
                )
            )


@dataclass(frozen=True)
class Receipt:
    receipt_no: str
    created: bool  # False when the submission already existed (a retried submit)


@dataclass(frozen=True)
class SubmissionView:
    receipt_no: str
    petition_id: str
    status: str
    language: str
    channel: str
    conversation_id: str
    fields: dict[str, Any]
    warnings: dict[str, Any]
    transcript: list[Any]
    submitted_at: datetime
    updated_at: datetime
    decision_reason: str | None = None
    field_comments: dict[str, Any] = field(default_factory=dict)
    decided_by: str | None = None
    # Set once retention removed its personal data: staff pages say "개인정보 파기됨".
    purged_at: datetime | None = None


def _view(row: Submission) -> SubmissionView:
    return SubmissionView(
        receipt_no=row.receipt_no,
        petition_id=row.petition_id,
        status=row.status,
        language=row.language,
        channel=row.channel,
        conversation_id=row.conversation_id,
        fields=dict(row.fields),
        warnings=dict(row.warnings or {}),
        transcript=list(row.transcript or []),
        submitted_at=row.submitted_at,
        updated_at=row.updated_at,
        decision_reason=row.decision_reason,
        field_comments=dict(row.field_comments or {}),
        decided_by=row.decided_by,
        purged_at=row.purged_at,
    )


# Which decisions each status allows (staff), and what a citizen's resubmission does.
OPEN_STATUSES = ("submitted", "resubmitted")
DECISIONS = {"approve": "approved", "reject": "rejected", "return": "returned"}


def _locked(session: Session, receipt_no: str) -> Submission:
    """The submission row, locked for update (PostgreSQL; SQLite serialises writes anyway)."""
    row = session.scalar(
        select(Submission).where(Submission.receipt_no == receipt_no).with_for_update()
    )
    if row is None:
        raise LookupError(receipt_no)
    return row


# Called inside the transaction that changes a submission's status, with the session and the
# row: what it adds to the session (an outbox entry, a notification) commits with the change
# or not at all.
StatusListener = Callable[[Session, Submission], None]


class SubmissionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.listeners: list[StatusListener] = []

    def _changed(self, session: Session, row: Submission) -> None:
        session.flush()
        for listener in self.listeners:
            listener(session, row)

    @staticmethod
    def _new_receipt_no(now: datetime) -> str:
        suffix = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(6))
        return f"MW-{now:%Y%m%d}-{suffix}"

    def submit(self, new: SubmissionDraft) -> Receipt:
        """Stores the submission once: a second call with the same idempotency key returns the
        first receipt and creates nothing."""
        existing = self._by_key(new.idempotency_key)
        if existing is not None:
            return Receipt(existing.receipt_no, created=False)
        now = utcnow()
        for _ in range(5):
            receipt_no = self._new_receipt_no(now)
            try:
                with self._db.session() as session:
                    row = Submission(
                        receipt_no=receipt_no,
                        idempotency_key=new.idempotency_key,
                        petition_id=new.petition_id,
                        status="submitted",
                        language=new.language,
                        channel=new.channel,
                        conversation_id=new.conversation_id,
                        fields=new.fields,
                        warnings=new.warnings,
                        transcript=new.transcript,
                        submitted_at=now,
                        updated_at=now,
                    )
                    session.add(row)
                    self._changed(session, row)
                return Receipt(receipt_no, created=True)
            except IntegrityError:
                existing = self._by_key(new.idempotency_key)
                if existing is not None:  # a concurrent retry won the race
                    return Receipt(existing.receipt_no, created=False)
        raise RuntimeError("could not allocate a receipt number")

    def _by_key(self, key: str) -> Submission | None:
        with self._db.session() as session:
            return session.scalar(select(Submission).where(Submission.idempotency_key == key))

    def get(self, receipt_no: str) -> SubmissionView | None:
        with self._db.session() as session:
            row = session.scalar(select(Submission).where(Submission.receipt_no == receipt_no))
            return _view(row) if row else None

    def list(
        self,
        status: str | None = None,
        petition: str | None = None,
        language: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        receipt: str | None = None,
        limit: int = 200,
    ) -> list[SubmissionView]:
        query = select(Submission).order_by(Submission.submitted_at.desc())
        if status:
            query = query.where(Submission.status == status)
        if petition:
            query = query.where(Submission.petition_id == petition)
        if language:
            query = query.where(Submission.language == language)
        if since:
            query = query.where(Submission.submitted_at >= since)
        if until:
            query = query.where(Submission.submitted_at < until)
        if receipt:
            query = query.where(Submission.receipt_no.contains(receipt.strip().upper()))
        with self._db.session() as session:
            return [_view(row) for row in session.scalars(query.limit(limit))]

    def counts_by_status(self) -> dict[str, int]:
        from sqlalchemy import func

        with self._db.session() as session:
            rows = session.execute(
                select(Submission.status, func.count()).group_by(Submission.status)
            ).all()
        return {status: count for status, count in rows}

    def decide(
        self,
        receipt_no: str,
        decision: str,
        reason: str | None,
        comments: dict[str, str],
        actor: str,
    ) -> SubmissionView:
        """Records a staff decision on an open submission (raises LookupError / ValueError)."""
        with self._db.session() as session:
            row = _locked(session, receipt_no)
            if row.status not in OPEN_STATUSES:
                raise ValueError(f"the submission is already {row.status}")
            row.status = DECISIONS[decision]
            row.decision_reason = reason
            row.field_comments = comments
            row.decided_by = actor
            row.correction_started_at = None
            row.updated_at = utcnow()
            self._changed(session, row)
            return _view(row)

    def pending_correction(self, conversation_id: str) -> SubmissionView | None:
        """A returned submission of this conversation whose correction has not started yet."""
        with self._db.session() as session:
            row = session.scalar(
                select(Submission)
                .where(
                    Submission.conversation_id == conversation_id,
                    Submission.status == "returned",
                    Submission.correction_started_at.is_(None),
                )
                .order_by(Submission.updated_at.desc())
                .limit(1)
            )
            if row is None:
                return None
            row.correction_started_at = utcnow()
            return _view(row)

    def resubmit(
        self, receipt_no: str, fields: dict[str, Any], transcript: list[Any]
    ) -> SubmissionView:
        """The citizen's corrected answers: back in the staff queue as resubmitted."""
        with self._db.session() as session:
            row = _locked(session, receipt_no)
            if row.status != "returned":  # a retried resubmission: already done
                return _view(row)
            row.fields = fields
            row.transcript = list(row.transcript or []) + transcript
            row.status = "resubmitted"
            row.field_comments = {}
            row.updated_at = utcnow()
            self._changed(session, row)
            return _view(row)


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    content_type: str
    taken_at: datetime | None  # the camera's own clock (EXIF), as the photo says


class AttachmentRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self, conversation_id: str, content_type: str, data: bytes, taken_at: datetime | None
    ) -> str:
        attachment_id = secrets.token_hex(16)
        with self._db.session() as session:
            session.add(
                Attachment(
                    id=attachment_id,
                    conversation_id=conversation_id,
                    content_type=content_type,
                    size=len(data),
                    taken_at=taken_at,
                    data=data,
                )
            )
        return attachment_id

    def owned_by(self, conversation_id: str, attachment_ids: list[str]) -> bool:
        with self._db.session() as session:
            found = session.scalars(
                select(Attachment.id).where(
                    Attachment.id.in_(attachment_ids), Attachment.conversation_id == conversation_id
                )
            ).all()
        return len(set(found)) == len(set(attachment_ids))

    def taken_at(self, conversation_id: str, attachment_ids: list[str]) -> list[datetime | None]:
        with self._db.session() as session:
            rows = session.execute(
                select(Attachment.id, Attachment.taken_at).where(
                    Attachment.id.in_(attachment_ids), Attachment.conversation_id == conversation_id
                )
            ).all()
        times = dict(rows)
        return [times[i] for i in attachment_ids if i in times]

    def describe(self, conversation_id: str, attachment_ids: list[str]) -> list[AttachmentInfo]:
        """The conversation's attachments among ``attachment_ids``, in that order (ids of
        another conversation are left out)."""
        if not attachment_ids:
            return []
        with self._db.session() as session:
            rows = session.execute(
                select(Attachment.id, Attachment.content_type, Attachment.taken_at).where(
                    Attachment.id.in_(attachment_ids), Attachment.conversation_id == conversation_id
                )
            ).all()
        found = {row.id: AttachmentInfo(row.id, row.content_type, row.taken_at) for row in rows}
        return [found[i] for i in dict.fromkeys(attachment_ids) if i in found]

    def read(self, conversation_id: str, attachment_id: str) -> tuple[bytes, str] | None:
        """The bytes and content type of one of the conversation's attachments (None if the
        conversation has no attachment with this id)."""
        with self._db.session() as session:
            row = session.execute(
                select(Attachment.data, Attachment.content_type).where(
                    Attachment.id == attachment_id, Attachment.conversation_id == conversation_id
                )
            ).first()
        return (bytes(row.data), row.content_type) if row else None


class CallbackRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, conversation_id: str, phone: str, language: str, petition_id: str | None) -> None:
        """One open request per conversation: asking twice does not queue two calls."""
        with self._db.session() as session:
            open_request = session.scalar(
                select(CallbackRequest).where(
                    CallbackRequest.conversation_id == conversation_id,
                    CallbackRequest.status == "open",
                )
            )
            if open_request is not None:
                open_request.phone = phone
                return
            session.add(
                CallbackRequest(
                    conversation_id=conversation_id,
                    phone=phone,
                    language=language,
                    petition_id=petition_id,
                )
            )

    def open_requests(self) -> list[CallbackRequest]:
        with self._db.session() as session:
            query = select(CallbackRequest).where(CallbackRequest.status == "open")
            return list(session.scalars(query.order_by(CallbackRequest.created_at)))


class UnansweredQuestionRepository:
    """Questions the knowledge base answered with "I don't know", kept as the guard left them
    (no personal data): staff see which procedure guides are missing (server/insights.py)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, question: str, language: str, petition_id: str | None, channel: str) -> None:
        with self._db.session() as session:
            session.add(
                UnansweredQuestion(
                    question=question, language=language, petition_id=petition_id, channel=channel
                )
            )
