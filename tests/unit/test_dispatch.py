"""The durable queue: due rows are claimed once (a lease), failures back off, a killed worker's
row comes back when its lease ends, staff can send a row again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.dispatch import DONE, FAILED, PENDING, Backoff, DurableQueue
from server.store.db import Database
from server.store.models import Delivery

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def queue(tmp_path, **backoff) -> DurableQueue:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path}/q.db")
    db.create_schema()
    with db.session() as session:
        for n in range(3):
            session.add(
                Delivery(receipt_no=f"MW-{n}", event="approved", target="erp", next_attempt_at=NOW)
            )
    return DurableQueue(db, Delivery, Backoff(**backoff), lease=timedelta(minutes=5))


def state(q: DurableQueue, row_id: int) -> Delivery:
    with q.db.session() as session:
        row = session.get(Delivery, row_id)
        session.expunge(row)
        return row


def test_a_due_row_is_claimed_by_one_worker_only(tmp_path):
    q = queue(tmp_path)
    first = q.claim(NOW)
    assert len(first) == 3
    assert q.claim(NOW) == []  # held by the first worker's lease
    assert DurableQueue(q.db, Delivery, q.backoff, q.lease).claim(NOW) == []


def test_a_killed_worker_leaves_its_rows_due_after_the_lease(tmp_path):
    q = queue(tmp_path)
    held = q.claim(NOW)
    assert q.claim(NOW + timedelta(minutes=4)) == []
    assert sorted(q.claim(NOW + timedelta(minutes=5))) == sorted(held)
    assert state(q, held[0]).attempts == 2


def test_failures_back_off_then_fail_and_staff_can_send_again(tmp_path):
    q = queue(tmp_path, first_seconds=10, factor=2, max_attempts=3)
    row_id = q.claim(NOW)[0]
    q.retry_later(row_id, NOW, "HTTP 500")
    assert state(q, row_id).next_attempt_at.replace(tzinfo=UTC) == NOW + timedelta(seconds=10)
    assert row_id not in q.claim(NOW + timedelta(seconds=9))
    later = NOW + timedelta(seconds=10)
    assert row_id in q.claim(later)
    q.retry_later(row_id, later, "timeout")
    assert state(q, row_id).next_attempt_at.replace(tzinfo=UTC) == later + timedelta(seconds=20)
    latest = later + timedelta(seconds=20)
    assert row_id in q.claim(latest)
    q.retry_later(row_id, latest, "HTTP 503")
    assert state(q, row_id).state == FAILED
    assert row_id not in q.claim(latest + timedelta(days=1))
    q.again(row_id, latest)
    assert state(q, row_id).state == PENDING and state(q, row_id).attempts == 0
    assert row_id in q.claim(latest)
    q.done(row_id, latest, acknowledgement="erp-77")
    assert state(q, row_id).state == DONE and state(q, row_id).acknowledgement == "erp-77"
    assert row_id not in q.claim(latest + timedelta(days=1))
