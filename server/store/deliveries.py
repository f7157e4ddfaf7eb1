"""Reading the hand-off outbox (``deliveries``): for the worker, the review desk and the CLI.
Claiming and state changes go through server/dispatch.py's DurableQueue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from server.store.db import Database
from server.store.models import Delivery


@dataclass(frozen=True)
class DeliveryView:
    id: int
    receipt_no: str
    event: str
    target: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    acknowledgement: str | None
    created_at: datetime
    delivered_at: datetime | None


def _view(row: Delivery) -> DeliveryView:
    return DeliveryView(
        id=row.id,
        receipt_no=row.receipt_no,
        event=row.event,
        target=row.target,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        acknowledgement=row.acknowledgement,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )


class DeliveryRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, delivery_id: int) -> DeliveryView | None:
        with self._db.session() as session:
            row = session.get(Delivery, delivery_id)
            return _view(row) if row else None

    def for_receipt(self, receipt_no: str, target: str | None = None) -> list[DeliveryView]:
        query = select(Delivery).where(Delivery.receipt_no == receipt_no)
        if target is not None:
            query = query.where(Delivery.target == target)
        with self._db.session() as session:
            return [_view(row) for row in session.scalars(query.order_by(Delivery.id))]
