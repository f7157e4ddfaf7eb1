"""The migrations build exactly the schema the models describe: a model change without its
migration (`alembic revision --autogenerate`) fails here."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server.store.db import Database
from server.store.models import Base


def test_migrations_match_the_models(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    db.create_schema()
    db.create_schema()  # idempotent: a restart migrates nothing
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_status_listeners_run_inside_the_transaction(tmp_path):
    """What a listener adds commits with the status change, or not at all."""
    from actions.ports import SubmissionDraft
    from server.store.db import Database
    from server.store.models import UnansweredQuestion
    from server.store.repositories import ConversationRepository, SubmissionRepository

    db = Database(f"sqlite:///{tmp_path}/m.db")
    db.create_schema()
    ConversationRepository(db).create("c1", "ko", "web")
    submissions = SubmissionRepository(db)
    seen = []

    def listener(session, row):  # type: ignore[no-untyped-def]
        seen.append(row.status)
        session.add(UnansweredQuestion(question=row.status, language="ko"))
        if row.status == "approved":
            raise RuntimeError("the outbox is broken")

    submissions.listeners.append(listener)
    draft = SubmissionDraft("c1:1", "general_petition", "ko", "web", "c1", {}, {}, [])
    receipt = submissions.submit(draft).receipt_no
    with pytest.raises(RuntimeError):
        submissions.decide(receipt, "approve", None, {}, "kim")
    assert seen == ["submitted", "approved"]
    assert submissions.get(receipt).status == "submitted"  # rolled back with the listener
    with db.session() as session:
        assert [q.question for q in session.query(UnansweredQuestion)] == ["submitted"]
