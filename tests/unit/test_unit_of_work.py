"""Database.unit_of_work: repository calls inside share one transaction (a chat turn's reads and
writes before and after Rasa), and nothing of it stays when it fails."""

from __future__ import annotations

import pytest

from server.settings import Settings
from server.store.db import Database
from server.store.repositories import ConversationRepository


@pytest.fixture
def db(settings: Settings) -> Database:
    settings.app.var_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.database_url)
    database.create_schema()
    return database


def test_calls_inside_share_one_session_and_commit_together(db: Database):
    conversations = ConversationRepository(db)
    with db.unit_of_work():
        with db.session() as first, db.session() as second:
            assert first is second
        conversations.create("c-1", "en", "web")
        conversations.record_position("c-1", "ko", "seal_certificate_form", "purpose")
    row = conversations.get("c-1")
    assert row is not None and (row.language, row.requested_slot) == ("ko", "purpose")
    with db.session() as one, db.session() as other:  # outside, each is its own
        assert one is not other


def test_a_failure_inside_leaves_nothing(db: Database):
    conversations = ConversationRepository(db)

    def failing_turn() -> None:
        with db.unit_of_work():
            conversations.create("c-2", "en", "web")
            raise RuntimeError("the turn failed")

    with pytest.raises(RuntimeError):
        failing_turn()
    assert conversations.get("c-2") is None
