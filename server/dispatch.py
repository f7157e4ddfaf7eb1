"""A durable queue in the database, shared by the back-office outbox (``deliveries``) and the
citizen notifications (``notifications``): rows wait in state "pending" until due, a worker
claims a due row with a lease (so replicas never send the same row at the same time, and a
worker killed mid-send leaves a row that becomes due again when the lease ends), then marks it
done or schedules a retry with exponential back-off.

Exactly-once towards a receiver needs its help: every attempt carries the row's stable id
(``Delivery.id`` / ``Notification.id``), and once a receiver acknowledged a row it is never
sent again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select, update

from server.store.db import Database

PENDING, DONE, FAILED = "pending", "done", "failed"


@dataclass(frozen=True)
class Backoff:
    first_seconds: float = 10.0
    factor: float = 2.0
    max_seconds: float = 3600.0
    # After this many attempts the row is "failed" (staff see it and can send it again).
    max_attempts: int = 20

    def delay(self, attempts: int) -> timedelta:
        seconds = self.first_seconds * self.factor ** max(attempts - 1, 0)
        return timedelta(seconds=min(seconds, self.max_seconds))


class DurableQueue:
    """Rows of ``model`` (with id, state, attempts, next_attempt_at, last_error columns);
    ``where``: conditions that limit the rows this queue claims (e.g. some channels only)."""

    def __init__(
        self,
        db: Database,
        model: Any,
        backoff: Backoff,
        lease: timedelta,
        where: Sequence[ColumnElement[bool]] = (),
    ) -> None:
        self.db = db
        self.model = model
        self.backoff = backoff
        self.lease = lease
        self.where = tuple(where)

    def claim(self, now: datetime, limit: int = 20) -> list[int]:
        """Ids of due rows this worker now holds until ``now + lease``; a compare-and-set on
        (attempts, next_attempt_at) makes the claim safe between workers and replicas."""
        m = self.model
        claimed = []
        with self.db.session() as session:
            due = session.execute(
                select(m.id, m.attempts, m.next_attempt_at)
                .where(m.state == PENDING, m.next_attempt_at <= now, *self.where)
                .order_by(m.next_attempt_at)
                .limit(limit)
            ).all()
        for row_id, attempts, next_at in due:
            with self.db.session() as session:
                result = session.execute(
                    update(m)
                    .where(m.id == row_id, m.attempts == attempts, m.next_attempt_at == next_at)
                    .values(attempts=attempts + 1, next_attempt_at=now + self.lease)
                )
                if result.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append(row_id)
        return claimed

    def done(self, row_id: int, now: datetime, **values: Any) -> None:
        with self.db.session() as session:
            session.execute(
                update(self.model)
                .where(self.model.id == row_id)
                .values(state=DONE, last_error=None, **values)
            )

    def retry_later(self, row_id: int, now: datetime, error: str) -> None:
        """The attempt failed: due again after the back-off, or failed for good."""
        with self.db.session() as session:
            row = session.get(self.model, row_id)
            if row is None:
                return
            row.last_error = error[:2000]
            if row.attempts >= self.backoff.max_attempts:
                row.state = FAILED
            else:
                row.next_attempt_at = now + self.backoff.delay(row.attempts)

    def fail(self, row_id: int, now: datetime, error: str) -> None:
        """The row can never succeed (a receiver refused it for good): failed now, no retry."""
        with self.db.session() as session:
            session.execute(
                update(self.model)
                .where(self.model.id == row_id)
                .values(state=FAILED, last_error=error[:2000])
            )

    def again(self, row_id: int, now: datetime) -> None:
        """Staff asked to send it again (a redelivery): due now, attempts counted afresh."""
        with self.db.session() as session:
            session.execute(
                update(self.model)
                .where(self.model.id == row_id)
                .values(state=PENDING, attempts=0, next_attempt_at=now, last_error=None)
            )
