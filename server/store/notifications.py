"""The ``notifications`` table: status changes to tell the citizen, one row per channel.

Rows hold no personal data: the e-mail address or phone number is read from the submission
when a row is sent (server/notify.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from server.dispatch import DONE, PENDING
from server.store.db import Database
from server.store.models import Notification, Submission


@dataclass(frozen=True)
class ChatNotice:
    """A pending in-chat notice for a submission of the conversation."""

    id: int
    receipt_no: str
    petition_id: str
    status: str


@dataclass(frozen=True)
class NotificationJob:
    """A claimed e-mail or SMS notification with what sending it needs from its submission
    (``submission_status`` and ``fields`` are None when the submission is gone)."""

    id: int
    receipt_no: str
    status: str
    channel: str
    language: str
    petition_id: str | None
    submission_status: str | None
    fields: dict[str, Any] | None


class NotificationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    @staticmethod
    def record(
        session: Session,
        receipt_no: str,
        status: str,
        channel: str,
        language: str,
        now: datetime,
        delivered: bool = False,
    ) -> None:
        """Adds the row in the caller's transaction. A status announced before (returned a
        second time) makes its row due again: one row per (receipt, status, channel)."""
        row = session.scalar(
            select(Notification).where(
                Notification.receipt_no == receipt_no,
                Notification.status == status,
                Notification.channel == channel,
            )
        )
        if row is None:
            row = Notification(receipt_no=receipt_no, status=status, channel=channel)
            session.add(row)
        row.language = language
        row.state = DONE if delivered else PENDING
        row.attempts = 0
        row.next_attempt_at = now
        row.last_error = None
        row.created_at = now
        row.sent_at = now if delivered else None

    def pending_chat(self, conversation_id: str) -> list[ChatNotice]:
        """Pending chat notices for the conversation's submissions, oldest first. "returned"
        is left out: the correction flow itself tells the citizen (``settle``)."""
        with self._db.session() as session:
            rows = session.execute(
                select(
                    Notification.id,
                    Notification.receipt_no,
                    Submission.petition_id,
                    Notification.status,
                )
                .join(Submission, Submission.receipt_no == Notification.receipt_no)
                .where(
                    Submission.conversation_id == conversation_id,
                    Notification.channel == "chat",
                    Notification.state == PENDING,
                    Notification.status != "returned",
                )
                .order_by(Notification.created_at, Notification.id)
            ).all()
        return [ChatNotice(*row) for row in rows]

    def mark_delivered(self, notification_id: int, now: datetime) -> bool:
        """Marks a pending row done; False if another request delivered it meanwhile."""
        with self._db.session() as session:
            result = session.execute(
                update(Notification)
                .where(Notification.id == notification_id, Notification.state == PENDING)
                .values(state=DONE, sent_at=now, attempts=Notification.attempts + 1)
            )
            return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]

    def settle(self, receipt_no: str, status: str, channel: str, now: datetime) -> None:
        """The citizen was told another way (the correction flow started in the chat)."""
        with self._db.session() as session:
            session.execute(
                update(Notification)
                .where(
                    Notification.receipt_no == receipt_no,
                    Notification.status == status,
                    Notification.channel == channel,
                    Notification.state == PENDING,
                )
                .values(state=DONE, sent_at=now)
            )

    def history(self, receipt_no: str) -> list[tuple[str, datetime]]:
        """Each status announced for the receipt (any channel) with when it happened."""
        with self._db.session() as session:
            rows = session.execute(
                select(Notification.status, func.min(Notification.created_at))
                .where(Notification.receipt_no == receipt_no)
                .group_by(Notification.status)
            ).all()
        return sorted(((status, at) for status, at in rows), key=lambda item: item[1])

    def job(self, notification_id: int) -> NotificationJob | None:
        with self._db.session() as session:
            row = session.get(Notification, notification_id)
            if row is None:
                return None
            submission = session.scalar(
                select(Submission).where(Submission.receipt_no == row.receipt_no)
            )
            return NotificationJob(
                id=row.id,
                receipt_no=row.receipt_no,
                status=row.status,
                channel=row.channel,
                language=row.language,
                petition_id=submission.petition_id if submission else None,
                submission_status=submission.status if submission else None,
                fields=dict(submission.fields or {}) if submission else None,
            )
