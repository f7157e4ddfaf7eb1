"""Back-office hand-off: decided submissions reach the city's own systems from a durable outbox.

1. ``HandoffListener`` runs inside the transaction that decides a submission
   (``SubmissionRepository.listeners``): for a configured event (approved; rejected by setting)
   it adds one ``deliveries`` row per target — committed with the decision or not at all, and
   at most one per (receipt, event, target).
2. ``HandoffWorker.run_once`` claims due rows one by one (server/dispatch.py: a lease, so
   replicas and a restarted app never send a row at the same time), builds the package
   (server/handoff_package.py) and hands it to the target's adapter
   (server/handoff_adapters.py): acknowledged → done; anything else → retried with back-off.
   Every attempt carries the row's id as ``delivery_id``: a receiver that saw it already
   answers as before, so a package sent again after a crash is taken once.
3. ``Deliveries`` is what staff and the CLI see and do: the rows of a submission, and sending
   one again (``DurableQueue.again``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.catalog import Catalog
from server.audit import AuditLog
from server.dispatch import PENDING, Backoff, DurableQueue
from server.handoff_adapters import Adapter, DeliveryFailed, adapter_for
from server.handoff_package import DeliveryRef, PackageBuilder, PackageError, PackageSource
from server.pii import Vault
from server.settings import HandoffSection
from server.store.db import Database
from server.store.deliveries import DeliveryRepository, DeliveryView
from server.store.models import Delivery, Submission
from server.store.repositories import AttachmentRepository, SubmissionRepository

log = logging.getLogger(__name__)

# The audit trail's actor for what the worker does on its own.
WORKER_ACTOR = "system:handoff"


class HandoffListener:
    """A status listener: the outbox rows of a decision, in the decision's transaction."""

    def __init__(self, section: HandoffSection) -> None:
        self.events = frozenset(section.events)
        self.targets = [target.name for target in section.targets]

    def __call__(self, session: Session, row: Submission) -> None:
        if row.status not in self.events:
            return
        for target in self.targets:
            exists = session.scalar(
                select(Delivery.id).where(
                    Delivery.receipt_no == row.receipt_no,
                    Delivery.event == row.status,
                    Delivery.target == target,
                )
            )
            if exists is None:
                session.add(
                    Delivery(
                        receipt_no=row.receipt_no,
                        event=row.status,
                        target=target,
                        state=PENDING,
                        attempts=0,
                        # The decision's moment: the package's decided_at, stable across retries.
                        created_at=row.updated_at,
                        next_attempt_at=row.updated_at,
                    )
                )


def handoff_queue(db: Database, section: HandoffSection) -> DurableQueue:
    b = section.backoff
    return DurableQueue(
        db,
        Delivery,
        Backoff(b.first_seconds, b.factor, b.max_seconds, b.max_attempts),
        timedelta(seconds=section.lease_seconds),
    )


@dataclass
class PassReport:
    delivered: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"delivered {len(self.delivered)}, to retry {len(self.retried)},"
            f" failed {len(self.failed)}"
        )


class HandoffWorker:
    def __init__(
        self,
        queue: DurableQueue,
        deliveries: DeliveryRepository,
        builder: PackageBuilder,
        adapters: dict[str, Adapter],
        audit: AuditLog | None = None,
        max_per_pass: int = 100,
    ) -> None:
        self.queue = queue
        self.deliveries = deliveries
        self.builder = builder
        self.adapters = adapters
        self.audit = audit
        self.max_per_pass = max_per_pass
        # Set to stop between two rows (the app is shutting down).
        self.stopping = threading.Event()

    def run_once(self, now: datetime | None = None) -> PassReport:
        """Sends every due row once. Rows are claimed one at a time, so a pass interrupted
        between rows leaves nothing held."""
        report = PassReport()
        sources: dict[str, PackageSource] = {}  # one PDF per submission, whatever the targets
        for _ in range(self.max_per_pass):
            if self.stopping.is_set():
                break
            at = now or datetime.now(UTC)  # the given moment (tests), else the clock per row
            claimed = self.queue.claim(at, limit=1)
            if not claimed:
                break
            self._send(claimed[0], at, sources, report)
        return report

    def _send(
        self, row_id: int, now: datetime, sources: dict[str, PackageSource], report: PassReport
    ) -> None:
        row = self.deliveries.get(row_id)
        if row is None:
            return
        adapter = self.adapters.get(row.target)
        try:
            if adapter is None:
                raise DeliveryFailed(f"target {row.target!r} is not configured")
            ref = DeliveryRef(row.id, row.receipt_no, row.event, row.target, row.created_at)
            if row.receipt_no not in sources:
                sources[row.receipt_no] = self.builder.source(row.receipt_no)
            acknowledgement = adapter.deliver(self.builder.package(ref, sources[row.receipt_no]))
        except PackageError as exc:  # nothing left to send: retrying cannot help
            log.warning("hand-off %s of %s to %s: %s", row.id, row.receipt_no, row.target, exc)
            self.queue.fail(row_id, now, str(exc))
            report.failed.append(row_id)
            return
        except DeliveryFailed as exc:
            error = str(exc)
        except Exception as exc:  # a bug or an unexpected fault: retried, and logged in full
            log.exception("hand-off %s of %s to %s failed", row.id, row.receipt_no, row.target)
            error = f"{type(exc).__name__}: {exc}"
        else:
            self.queue.done(row_id, now, acknowledgement=acknowledgement, delivered_at=now)
            report.delivered.append(row_id)
            log.info("hand-off %s of %s to %s delivered", row.id, row.receipt_no, row.target)
            if self.audit is not None:  # identifiers left for the city's system: on the trail
                self.audit.record(
                    WORKER_ACTOR,
                    "handoff",
                    row.receipt_no,
                    target=row.target,
                    event=row.event,
                    delivery=row.id,
                    acknowledgement=acknowledgement,
                )
            return
        log.warning("hand-off %s of %s to %s: %s", row.id, row.receipt_no, row.target, error)
        self.queue.retry_later(row_id, now, error)
        report.retried.append(row_id)


class Deliveries:
    """The outbox as staff and the CLI see it."""

    def __init__(self, repository: DeliveryRepository, queue: DurableQueue) -> None:
        self.repository = repository
        self.queue = queue

    def for_receipt(self, receipt_no: str, target: str | None = None) -> list[DeliveryView]:
        return self.repository.for_receipt(receipt_no, target)

    def redeliver(self, receipt_no: str, delivery_id: int, now: datetime) -> DeliveryView:
        """Sends the row again at the next pass (LookupError unless it is the receipt's)."""
        row = self.repository.get(delivery_id)
        if row is None or row.receipt_no != receipt_no:
            raise LookupError(delivery_id)
        self.queue.again(row.id, now)
        return self.repository.get(row.id) or row


@dataclass
class Handoff:
    listener: HandoffListener
    worker: HandoffWorker
    deliveries: Deliveries
    section: HandoffSection


def build_handoff(
    section: HandoffSection,
    db: Database,
    submissions: SubmissionRepository,
    catalog: Catalog,
    vault: Vault,
    attachments: AttachmentRepository,
    audit: AuditLog | None,
) -> Handoff:
    queue = handoff_queue(db, section)
    repository = DeliveryRepository(db)
    worker = HandoffWorker(
        queue,
        repository,
        PackageBuilder(submissions, catalog, vault, attachments),
        {target.name: adapter_for(target) for target in section.targets},
        audit,
    )
    return Handoff(HandoffListener(section), worker, Deliveries(repository, queue), section)
