"""The hand-off against a real HTTP receiver on loopback that fails, times out, then accepts:
the worker, driven by a fake clock, backs off between attempts, the receiver verifies the
signature and sees one delivery id throughout, the package is taken exactly once — also when
the app dies between sending and recording the answer and a new instance takes over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.handoff_package import DeliveryRef
from server.settings import HandoffTarget, Settings
from server.store.models import Delivery
from tests.fixtures.handoff import RRN, decide, installation, submit_certificate, with_targets
from tests.fixtures.receiver import Receiver, running

SECRET = b"the city's shared secret"
TIMEOUT = 0.5
LEASE = 60


def handoff_settings(settings: Settings, url: str) -> Settings:
    target = HandoffTarget(
        name="erp", kind="http", url=url, secret=SECRET.decode(), timeout_seconds=TIMEOUT
    )
    return with_targets(
        settings,
        target,
        backoff={"first_seconds": 10, "factor": 2, "max_seconds": 3600, "max_attempts": 20},
        lease_seconds=LEASE,
    )


def outbox(container) -> list[Delivery]:  # type: ignore[no-untyped-def]
    with container.db.session() as session:
        rows = list(session.scalars(select(Delivery).order_by(Delivery.id)))
        session.expunge_all()
        return rows


def clock_start() -> datetime:
    """The fake clock's start: just after the decisions (rows are due from the decision on)."""
    return datetime.now(UTC) + timedelta(seconds=1)


def test_fails_times_out_then_is_accepted_once(settings):
    with running(Receiver(SECRET, ["fail", "slow"], slow_seconds=3 * TIMEOUT)) as receiver:
        container = installation(handoff_settings(settings, receiver.url))
        receipt_no = submit_certificate(container)
        decide(container, receipt_no)
        worker, now = container.handoff.worker, clock_start()

        assert worker.run_once(now).retried  # 1: HTTP 500
        [row] = outbox(container)
        assert (row.state, row.attempts, row.last_error) == (
            "pending",
            1,
            'HTTP 500: {"error": "database down"}',
        )
        assert len(receiver.received) == 1

        worker.run_once(now + timedelta(seconds=9))  # still backing off: nothing sent
        assert len(receiver.received) == 1

        assert worker.run_once(now + timedelta(seconds=10)).retried  # 2: no answer in time
        [row] = outbox(container)
        assert row.attempts == 2 and row.last_error == f"no answer within {TIMEOUT:g} s"
        assert len(receiver.received) == 2

        worker.run_once(now + timedelta(seconds=29))  # the back-off doubled: 20 s
        assert len(receiver.received) == 2

        assert worker.run_once(now + timedelta(seconds=30)).delivered == [row.id]  # 3: accepted
        [row] = outbox(container)
        assert (row.state, row.attempts, row.acknowledgement, row.last_error) == (
            "done",
            3,
            "ERP-1",
            None,
        )

        for later in (31, 3600, 86400):  # done: later passes send nothing
            assert worker.run_once(now + timedelta(seconds=later)).delivered == []
        assert [r.answer for r in receiver.received] == ["fail", "slow", "accept"]

    assert all(r.verified for r in receiver.received)  # the HMAC matched every time
    assert {r.delivery for r in receiver.received} == {str(row.id)}  # one delivery id throughout
    assert {r.schema for r in receiver.received} == {"minwon.handoff/1"}
    assert all(r.document["delivery_id"] == row.id for r in receiver.received)
    assert receiver.imports == 1 and receiver.accepted == {str(row.id): "ERP-1"}
    document = receiver.received[-1].document
    assert document["receipt_no"] == receipt_no and document["event"] == "approved"
    assert document["fields"]["applicant_rrn"]["value"] == RRN  # whole: the city's own system


def test_a_wrong_secret_is_refused_and_retried(settings):
    with running(Receiver(b"another secret", [])) as receiver:
        container = installation(handoff_settings(settings, receiver.url))
        decide(container, submit_certificate(container))
        container.handoff.worker.run_once(clock_start())
    [row] = outbox(container)
    assert row.state == "pending" and row.last_error == 'HTTP 401: {"error": "bad signature"}'
    assert receiver.imports == 0 and not receiver.received[0].verified


def test_an_app_restart_between_claim_and_done(settings):
    """Two interrupted workers: one died after claiming (nothing sent), one after the receiver
    accepted but before recording it. A new instance on the same database sends both rows once
    their leases end; the receiver imports each package once."""
    with running(Receiver(SECRET, [])) as receiver:
        configured = handoff_settings(settings, receiver.url)
        first = installation(configured)
        quiet = submit_certificate(first, "c1")
        sent = submit_certificate(first, "c2")
        decide(first, quiet)
        decide(first, sent)
        quiet_row, sent_row = outbox(first)
        now = clock_start()

        # Worker 1 claims the first row and dies before sending anything.
        assert first.handoff.worker.queue.claim(now, limit=1) == [quiet_row.id]
        # Worker 1 claims the second row, the receiver takes the package, the worker dies
        # before it records the acknowledgement.
        worker = first.handoff.worker
        assert worker.queue.claim(now, limit=1) == [sent_row.id]
        ref = DeliveryRef(sent_row.id, sent, "approved", "erp", sent_row.created_at)
        assert worker.adapters["erp"].deliver(worker.builder.build(ref)) == "ERP-1"
        del worker, first  # the process is gone: only the database remains

        second = installation(configured)  # the restarted app: new objects, same database
        assert second.handoff.worker.run_once(now + timedelta(seconds=LEASE - 1)).delivered == []
        assert [(r.state, r.attempts) for r in outbox(second)] == [("pending", 1)] * 2

        report = second.handoff.worker.run_once(now + timedelta(seconds=LEASE))
        assert sorted(report.delivered) == sorted([quiet_row.id, sent_row.id])
        rows = {r.receipt_no: r for r in outbox(second)}
        assert {r.state for r in rows.values()} == {"done"}
        assert rows[sent].acknowledgement == "ERP-1"  # the receiver's answer to the first send
        assert rows[quiet].acknowledgement == "ERP-2"
        assert second.handoff.worker.run_once(now + timedelta(days=1)).delivered == []

    deliveries = [r.delivery for r in receiver.received]
    assert sorted(deliveries) == sorted([str(sent_row.id), str(sent_row.id), str(quiet_row.id)])
    assert len({r.delivery for r in receiver.received if r.answer == "accept"}) == 2
    assert receiver.imports == 2  # each package imported once, the repeat deduped
    assert all(r.verified for r in receiver.received)
