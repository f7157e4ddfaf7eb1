"""The audit trail: append-only, each entry hashing the previous one, so an edited or deleted
entry breaks the chain (``minwon audit verify``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from server.store.db import Database
from server.store.models import AuditEntry

GENESIS = "0" * 64


def _digest(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    receipt_no: str | None,
    detail: dict[str, Any],
) -> str:
    body = json.dumps(
        [prev_hash, at.astimezone(UTC).isoformat(), actor, action, receipt_no, detail],
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class AuditView:
    at: datetime
    actor: str
    action: str
    receipt_no: str | None
    detail: dict[str, Any]


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, actor: str, action: str, receipt_no: str | None = None, **detail: Any) -> None:
        with self._db.session() as session:
            last = session.scalar(
                select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1).with_for_update()
            )
            prev = last.hash if last else GENESIS
            at = datetime.now(UTC)
            session.add(
                AuditEntry(
                    at=at,
                    actor=actor,
                    action=action,
                    receipt_no=receipt_no,
                    detail=detail,
                    prev_hash=prev,
                    hash=_digest(prev, at, actor, action, receipt_no, detail),
                )
            )

    def for_receipt(self, receipt_no: str) -> list[AuditView]:
        with self._db.session() as session:
            rows = session.scalars(
                select(AuditEntry)
                .where(AuditEntry.receipt_no == receipt_no)
                .order_by(AuditEntry.id)
            )
            return [AuditView(r.at, r.actor, r.action, r.receipt_no, dict(r.detail)) for r in rows]

    def verify(self) -> list[str]:
        """Problems found walking the chain (empty when intact)."""
        problems = []
        prev = GENESIS
        with self._db.session() as session:
            for row in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
                at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
                expected = _digest(
                    prev, at, row.actor, row.action, row.receipt_no, dict(row.detail)
                )
                if row.prev_hash != prev:
                    problems.append(f"entry {row.id}: the entry before it was changed or deleted")
                elif row.hash != expected:
                    problems.append(f"entry {row.id}: its content was changed")
                prev = row.hash
        return problems
