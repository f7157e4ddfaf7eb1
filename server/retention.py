"""Retention: personal data past its period is destroyed (``minwon retention purge``, daily).

Two kinds of data, each purged in one transaction (settings: ``RetentionSection``):

1. **Decided submissions** (approved or rejected, last changed ``closed_submission_days`` ago or
   more) lose their personal data: the vault rows of their identifier tokens, the values of
   identifier and personal fields (emptied), the transcript, the photos (bytes deleted, photo
   lists emptied), warning parameters and staff comments on personal fields. What statistics
   need stays: receipt, petition, status, language, channel, dates, warning codes, the other
   field values. ``purged_at`` marks the submission, so it is done once.
2. **Idle conversations** (no activity for ``conversation_days``, no open submission) lose
   everything no kept submission still needs: vault rows, photos, call-back requests (handled
   ones, and open ones older than the limit) and their events in Rasa's tracker store; the
   conversation row goes too unless a submission refers to it (it holds no personal data).
   Vault rows and call-backs whose conversation row is gone, and tracker senders that are no
   conversation of the app, are swept after the same period.

Open submissions (submitted, resubmitted, returned) are never touched, however old. The audit
trail is append-only: the purge deletes nothing from it and adds one "purge" entry with its
counts. A dry run does all of it inside transactions that are rolled back, so it reports
exactly what a real run would do. A second run finds nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Float, String, column, delete, func, inspect, or_, select
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import table as sa_table
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from forms.catalog import Catalog, Petition, default_catalog
from server.audit import AuditLog
from server.pii import TOKEN
from server.settings import RetentionSection
from server.store.db import Database
from server.store.models import Attachment, CallbackRequest, Conversation, PiiValue, Submission

# Decided: nothing more happens to these. Every other status is open (the citizen or staff may
# still act on it), an unknown one included.
CLOSED_STATUSES = ("approved", "rejected")
PERSONAL_KINDS = ("identifier", "personal")
_CHUNK = 500  # ids per IN (...) list
T = TypeVar("T")

# Rasa 3.6 SQLTrackerStore (rasa/core/tracker_store.py, SQLEvent): one row per event.
RASA_EVENTS = sa_table(
    "events", column("sender_id", String(255)), column("timestamp", Float), column("id")
)


@dataclass(frozen=True)
class PurgeReport:
    submissions_purged: int = 0
    conversations_deleted: int = 0
    pii_values_deleted: int = 0
    attachments_deleted: int = 0
    callbacks_deleted: int = 0
    tracker_events_deleted: int = 0

    def counts(self) -> dict[str, int]:
        return asdict(self)

    @property
    def total(self) -> int:
        return sum(self.counts().values())


def purge(
    db: Database,
    tracker_db_url: str,
    retention: RetentionSection,
    now: datetime,
    dry_run: bool = False,
    catalog: Catalog | None = None,
) -> PurgeReport:
    """Purges what is past its retention period at ``now`` (see the module docstring).

    ``tracker_db_url`` is the SQLAlchemy URL of Rasa's tracker store: a missing SQLite file or
    a database without Rasa's ``events`` table counts as nothing to delete."""
    catalog = catalog or default_catalog()
    now = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    counts: dict[str, int] = defaultdict(int)
    session = Session(db.engine, expire_on_commit=False)
    try:
        _purge_submissions(
            session, catalog, now - timedelta(days=retention.closed_submission_days), now, counts
        )
        _end_step(session, dry_run)
        _purge_conversations(
            session,
            catalog,
            now - timedelta(days=retention.conversation_days),
            tracker_db_url,
            dry_run,
            counts,
        )
        _end_step(session, dry_run)
    finally:
        session.rollback()  # a dry run's changes; nothing after a commit
        session.close()
    report = PurgeReport(**counts)
    if not dry_run:
        AuditLog(db).record("system", "purge", None, **report.counts())
    return report


def _end_step(session: Session, dry_run: bool) -> None:
    """A real run commits each kind on its own; a dry run keeps going in the same transaction
    (later steps see the earlier ones, as in a real run) and rolls it all back at the end."""
    if dry_run:
        session.flush()
    else:
        session.commit()


# --- 1. decided submissions ------------------------------------------------------------------


def _purge_submissions(
    session: Session,
    catalog: Catalog,
    cutoff: datetime,
    now: datetime,
    counts: dict[str, int],
) -> None:
    due = session.scalars(
        select(Submission.id)
        .where(
            Submission.status.in_(CLOSED_STATUSES),
            Submission.updated_at <= cutoff,
            Submission.purged_at.is_(None),
        )
        .order_by(Submission.id)
    ).all()
    purging = set(due)
    for chunk in _chunks(due):
        rows = session.scalars(
            select(Submission).where(Submission.id.in_(chunk)).with_for_update()
        ).all()
        kept = _kept_references(session, catalog, {r.conversation_id for r in rows}, purging)
        for row in rows:
            petition = catalog.petitions.get(row.petition_id)
            tokens = _tokens_of(row) - kept.tokens[row.conversation_id]
            photos = _photo_ids(row, petition) - kept.attachments[row.conversation_id]
            if tokens:
                counts["pii_values_deleted"] += _delete(
                    session,
                    PiiValue,
                    PiiValue.conversation_id == row.conversation_id,
                    PiiValue.token.in_(tokens),
                )
            if photos:
                counts["attachments_deleted"] += _delete(
                    session,
                    Attachment,
                    Attachment.conversation_id == row.conversation_id,
                    Attachment.id.in_(photos),
                )
            _strip_personal_data(row, petition)
            row.purged_at = now
            counts["submissions_purged"] += 1


def _strip_personal_data(row: Submission, petition: Petition | None) -> None:
    """Empties personal and identifier values, photo lists and the transcript; keeps warning
    codes (without their parameters, which may quote the value) and the other fields. Fields
    the catalog does not know (a petition since removed) count as personal."""
    defs = {f.id: f for f in petition.fields} if petition else {}

    def personal(field_id: str) -> bool:
        field = defs.get(field_id)
        return field is None or field.pii in PERSONAL_KINDS

    fields: dict[str, Any] = {}
    for field_id, value in (row.fields or {}).items():
        if personal(field_id):
            fields[field_id] = ""
        elif defs[field_id].type == "photos":
            fields[field_id] = []
        else:
            fields[field_id] = value
    row.fields = fields
    row.warnings = {
        field_id: [_code_only(w) for w in found] if personal(field_id) else found
        for field_id, found in (row.warnings or {}).items()
    }
    row.field_comments = {
        field_id: comment
        for field_id, comment in (row.field_comments or {}).items()
        if not personal(field_id)
    }
    row.transcript = []


def _code_only(warning: Any) -> dict[str, Any]:
    code = warning.get("code") if isinstance(warning, dict) else warning
    return {"code": str(code), "params": {}}


# --- 2. idle conversations -------------------------------------------------------------------


def _purge_conversations(
    session: Session,
    catalog: Catalog,
    cutoff: datetime,
    tracker_db_url: str,
    dry_run: bool,
    counts: dict[str, int],
) -> None:
    open_conversations = select(Submission.conversation_id).where(
        Submission.status.not_in(CLOSED_STATUSES)
    )
    idle = session.scalars(
        select(Conversation.id)
        .where(Conversation.updated_at < cutoff, Conversation.id.not_in(open_conversations))
        .order_by(Conversation.id)
        .with_for_update()
    ).all()

    # Rasa's copy first: if its database fails, the app's rows stay for the next run to retry.
    def unknown(senders: Sequence[str]) -> set[str]:
        known: set[str] = set()
        for chunk in _chunks(senders):
            known.update(session.scalars(select(Conversation.id).where(Conversation.id.in_(chunk))))
        return set(senders) - known

    counts["tracker_events_deleted"] += purge_tracker(
        tracker_db_url, set(idle), cutoff, unknown, dry_run
    )

    for chunk in _chunks(idle):
        kept = _kept_references(session, catalog, set(chunk), purging=set())
        referenced = set(
            session.scalars(
                select(Submission.conversation_id)
                .where(Submission.conversation_id.in_(chunk))
                .distinct()
            )
        )
        plain = [c for c in chunk if not kept.tokens[c] and not kept.attachments[c]]
        if plain:
            counts["pii_values_deleted"] += _delete(
                session, PiiValue, PiiValue.conversation_id.in_(plain)
            )
            counts["attachments_deleted"] += _delete(
                session, Attachment, Attachment.conversation_id.in_(plain)
            )
        for conversation_id in set(chunk) - set(plain):  # a decided submission still needs some
            counts["pii_values_deleted"] += _delete(
                session,
                PiiValue,
                PiiValue.conversation_id == conversation_id,
                PiiValue.token.not_in(kept.tokens[conversation_id]),
            )
            counts["attachments_deleted"] += _delete(
                session,
                Attachment,
                Attachment.conversation_id == conversation_id,
                Attachment.id.not_in(kept.attachments[conversation_id]),
            )
        counts["callbacks_deleted"] += _delete(
            session,
            CallbackRequest,
            CallbackRequest.conversation_id.in_(chunk),
            or_(CallbackRequest.status != "open", CallbackRequest.created_at < cutoff),
        )
        unreferenced = [c for c in chunk if c not in referenced]
        if unreferenced:
            counts["conversations_deleted"] += _delete(
                session, Conversation, Conversation.id.in_(unreferenced)
            )

    # Rows left behind by a conversation row that is gone (or never was).
    gone = PiiValue.conversation_id.not_in(select(Conversation.id))
    counts["pii_values_deleted"] += _delete(session, PiiValue, gone, PiiValue.created_at < cutoff)
    counts["callbacks_deleted"] += _delete(
        session,
        CallbackRequest,
        CallbackRequest.conversation_id.not_in(select(Conversation.id)),
        or_(CallbackRequest.status != "open", CallbackRequest.created_at < cutoff),
    )


def purge_tracker(
    url: str,
    sender_ids: set[str],
    cutoff: datetime,
    unknown: Callable[[Sequence[str]], set[str]],
    dry_run: bool,
) -> int:
    """Deletes the Rasa tracker events of ``sender_ids``, and of senders whose last event is
    older than ``cutoff`` and that ``unknown(senders)`` says are no conversation of the app.
    Returns how many events went (0 when the database file or its ``events`` table is
    missing)."""
    parsed = make_url(url)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if not path or path == ":memory:" or not Path(path).exists():
            return 0
        connect_args["timeout"] = 30  # Rasa may be writing
    engine = sa_create_engine(url, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(RASA_EVENTS.name):
                return 0
            stale = connection.scalars(
                select(RASA_EVENTS.c.sender_id)
                .group_by(RASA_EVENTS.c.sender_id)
                .having(func.max(RASA_EVENTS.c.timestamp) < cutoff.timestamp())
            ).all()
            targets = sorted(sender_ids | unknown(stale))
            deleted = 0
            for chunk in _chunks(targets):
                result = connection.execute(
                    delete(RASA_EVENTS).where(RASA_EVENTS.c.sender_id.in_(chunk))
                )
                deleted += max(result.rowcount, 0)
            if dry_run:
                connection.rollback()
            else:
                connection.commit()
            return deleted
    finally:
        engine.dispose()


# --- helpers ---------------------------------------------------------------------------------


@dataclass
class _References:
    """Vault tokens and attachment ids, per conversation, that kept submissions still use."""

    tokens: defaultdict[str, set[str]]
    attachments: defaultdict[str, set[str]]


def _kept_references(
    session: Session, catalog: Catalog, conversation_ids: set[str], purging: set[int]
) -> _References:
    found = _References(defaultdict(set), defaultdict(set))
    for chunk in _chunks(sorted(conversation_ids)):
        rows = session.scalars(
            select(Submission).where(
                Submission.conversation_id.in_(chunk), Submission.purged_at.is_(None)
            )
        )
        for row in rows:
            if row.id in purging:
                continue
            found.tokens[row.conversation_id] |= _tokens_of(row)
            found.attachments[row.conversation_id] |= _photo_ids(
                row, catalog.petitions.get(row.petition_id)
            )
    return found


def _tokens_of(row: Submission) -> set[str]:
    """Every vault token the submission mentions: in identifier fields, but also in free text
    and the transcript (identifiers typed anywhere are tokenised)."""
    text = json.dumps(
        [row.fields, row.transcript, row.field_comments, row.decision_reason],
        ensure_ascii=False,
        default=str,
    )
    return {match.group() for match in TOKEN.finditer(text)}


def _photo_ids(row: Submission, petition: Petition | None) -> set[str]:
    fields = row.fields or {}
    if petition is not None:
        values = [fields.get(f.id) for f in petition.fields if f.type == "photos"]
    else:  # unknown petition: any list of ids may be photos
        values = list(fields.values())
    return {i for v in values if isinstance(v, list) for i in v if isinstance(i, str)}


def _delete(session: Session, model: type[Any], *where: ColumnElement[bool]) -> int:
    result = session.execute(
        delete(model).where(*where).execution_options(synchronize_session=False)
    )
    return max(result.rowcount, 0)  # type: ignore[attr-defined]


def _chunks(items: Iterable[T], size: int = _CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
