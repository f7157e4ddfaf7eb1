"""Retention (issue #7): what the purge destroys, what it keeps, and that it is safe to repeat.

A frozen clock: the repositories' ``utcnow`` is patched so every record has the age the test
gives it, and ``purge`` runs at ``NOW``."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from actions.ports import SubmissionDraft
from server.audit import AuditLog
from server.pii import Vault
from server.retention import PurgeReport, purge
from server.settings import RetentionSection
from server.store.db import Database
from server.store.models import CallbackRequest, PiiValue
from server.store.repositories import (
    AttachmentRepository,
    CallbackRepository,
    ConversationRepository,
    SubmissionRepository,
)
from tests.fixtures.submissions import registration_copy_fields

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
RETENTION = RetentionSection()  # 90 days after a decision, 30 days of conversation idleness
RRN = "900101-1234568"
JPEG = b"\xff\xd8\xff\xe0 a photo \xff\xd9"

# Rasa 3.6's SQLTrackerStore table, as it creates it in SQLite.
RASA_EVENTS_DDL = (
    "CREATE TABLE events (id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL, "
    "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
    "action_name VARCHAR(255), data TEXT, PRIMARY KEY (id))",
    "CREATE INDEX ix_events_sender_id ON events (sender_id)",
)


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


@dataclass
class World:
    """An installation with records of every age and state; ``receipts``/``tokens``/``photos``
    by a short name."""

    db: Database
    vault: Vault
    tracker_url: str
    tracker_path: Path
    clock: list[datetime]
    conversations: ConversationRepository
    submissions: SubmissionRepository
    attachments: AttachmentRepository
    callbacks: CallbackRepository
    receipts: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    photos: dict[str, list[str]] = field(default_factory=dict)

    def at(self, when: datetime) -> None:
        self.clock[0] = when

    def conversation(self, cid: str, last_active: datetime) -> None:
        self.at(last_active)
        self.conversations.create(cid, "en", "web")
        self.conversations.record_position(cid, "en", None, None)

    def photo(self, cid: str) -> str:
        return self.attachments.add(cid, "image/jpeg", JPEG, None)

    def submit(
        self, name: str, cid: str, petition: str, fields: dict[str, Any], **draft: Any
    ) -> str:
        receipt = self.submissions.submit(
            SubmissionDraft(
                idempotency_key=f"{cid}:{name}",
                petition_id=petition,
                language="en",
                channel="web",
                conversation_id=cid,
                fields=fields,
                warnings=draft.get("warnings", {}),
                transcript=draft.get("transcript", []),
            )
        ).receipt_no
        self.receipts[name] = receipt
        return receipt

    def decide(self, name: str, decision: str, when: datetime) -> None:
        self.at(when)
        comments = {"phone": "Call 010-1234-5678 first."} if decision == "return" else {}
        reason = "incomplete" if decision == "reject" else None
        self.submissions.decide(self.receipts[name], decision, reason, comments, "reviewer1")

    def callback(self, cid: str, created_at: datetime) -> None:
        self.callbacks.add(cid, "+821012345678", "en", None)
        with self.db.session() as session:
            session.execute(
                update(CallbackRequest)
                .where(CallbackRequest.conversation_id == cid)
                .values(created_at=created_at)
            )

    def events(self, sender: str, *timestamps: datetime) -> None:
        with sqlite3.connect(self.tracker_path) as connection:
            connection.executemany(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                [(sender, "user", t.timestamp(), '{"text": "hello"}') for t in timestamps],
            )

    def purge(self, dry_run: bool = False) -> PurgeReport:
        return purge(self.db, self.tracker_url, RETENTION, NOW, dry_run=dry_run)

    def tracker_senders(self) -> dict[str, int]:
        with sqlite3.connect(self.tracker_path) as connection:
            rows = connection.execute("SELECT sender_id, count(*) FROM events GROUP BY sender_id")
            return dict(rows.fetchall())


def parking_report(photos: list[str]) -> dict[str, Any]:
    return {
        "zone_type": "hydrant",
        "location": "세종대로 209 앞",
        "vehicle_no": "12가3456",
        "observed_at": "2026-11-01T14:30",
        "photos": photos,
        "reporter_phone": "+821098765432",
    }


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    clock = [NOW]
    monkeypatch.setattr("server.store.repositories.utcnow", lambda: clock[0])
    db = Database(f"sqlite:///{tmp_path / 'minwon.db'}")
    db.create_schema()
    tracker_path = tmp_path / "rasa-tracker.db"
    with sqlite3.connect(tracker_path) as connection:
        for statement in RASA_EVENTS_DDL:
            connection.execute(statement)
    w = World(
        db=db,
        vault=Vault(db, os.urandom(32)),
        tracker_url=f"sqlite:///{tracker_path}",
        tracker_path=tracker_path,
        clock=clock,
        conversations=ConversationRepository(db),
        submissions=SubmissionRepository(db),
        attachments=AttachmentRepository(db),
        callbacks=CallbackRepository(db),
    )

    # Approved 100 days ago: past the limit.
    w.conversation("c-approved", days_ago(101))
    token = w.tokens["approved"] = w.vault.tokenize("c-approved", "rrn", RRN)
    w.submit(
        "approved",
        "c-approved",
        "resident_registration_copy",
        registration_copy_fields(token),
        warnings={
            "applicant_rrn": [{"code": "rrn.checksum", "params": {"birth": "1990-01-01"}}],
            "address": [{"code": "address.detail_missing", "params": {"road": "세종대로"}}],
        },
        transcript=[{"who": "citizen", "text": f"my number is {token}"}],
    )
    w.decide("approved", "approve", days_ago(100))
    w.callback("c-approved", days_ago(101))
    w.events("c-approved", days_ago(101), days_ago(101))

    # Rejected 120 days ago, with photos.
    w.conversation("c-rejected", days_ago(121))
    w.photos["rejected"] = [w.photo("c-rejected"), w.photo("c-rejected")]
    w.submit(
        "rejected", "c-rejected", "illegal_parking_report", parking_report(w.photos["rejected"])
    )
    w.decide("rejected", "reject", days_ago(120))

    # Approved 10 days ago: kept whole, though its conversation is idle (a token and a photo the
    # submission does not use go; the ones it uses stay).
    w.conversation("c-young", days_ago(40))
    token = w.tokens["young"] = w.vault.tokenize("c-young", "rrn", RRN)
    w.tokens["young-unused"] = w.vault.tokenize("c-young", "frn", "900101-5234567")
    w.photos["young"] = [w.photo("c-young")]
    w.photos["young-unused"] = [w.photo("c-young")]
    w.submit(
        "young",
        "c-young",
        "resident_registration_copy",
        registration_copy_fields(token),
        transcript=[{"who": "citizen", "text": token}],
    )
    w.submit(
        "young-parking", "c-young", "illegal_parking_report", parking_report(w.photos["young"])
    )
    w.decide("young", "approve", days_ago(10))
    w.decide("young-parking", "approve", days_ago(10))
    w.events("c-young", days_ago(40))

    # Open for 400 days, submitted or returned for correction: never touched.
    for status in ("submitted", "returned"):
        cid = f"c-{status}"
        w.conversation(cid, days_ago(400))
        token = w.tokens[status] = w.vault.tokenize(cid, "rrn", RRN)
        w.submit(status, cid, "resident_registration_copy", registration_copy_fields(token))
        if status == "returned":
            w.decide(status, "return", days_ago(399))
        w.events(cid, days_ago(400), days_ago(400))

    # Idle 40 days without a submission: deleted.
    w.conversation("c-idle", days_ago(40))
    w.tokens["idle"] = w.vault.tokenize("c-idle", "rrn", RRN)
    w.photos["idle"] = [w.photo("c-idle")]
    w.callback("c-idle", days_ago(40))
    w.events("c-idle", days_ago(41), days_ago(40), days_ago(40))

    # Active 5 days ago: kept, with its open call-back.
    w.conversation("c-recent", days_ago(5))
    w.tokens["recent"] = w.vault.tokenize("c-recent", "rrn", RRN)
    w.callback("c-recent", days_ago(5))
    w.events("c-recent", days_ago(5), days_ago(5))

    # A vault row and tracker senders whose conversation row never existed (Rasa driven
    # directly): old ones go, recent ones stay.
    w.tokens["ghost"] = w.vault.tokenize("ghost", "rrn", RRN)
    with db.session() as session:
        session.execute(
            update(PiiValue)
            .where(PiiValue.conversation_id == "ghost")
            .values(created_at=days_ago(60))
        )
    w.events("shell-old", days_ago(50))
    w.events("shell-new", days_ago(1))
    w.at(NOW)
    return w


EXPECTED = {
    "submissions_purged": 2,  # approved, rejected
    "conversations_deleted": 1,  # c-idle
    "pii_values_deleted": 4,  # approved's token, young's unused one, idle's, the ghost's
    "attachments_deleted": 4,  # rejected's 2 photos, young's unused one, idle's
    "callbacks_deleted": 2,  # approved's (older than the limit), idle's
    "tracker_events_deleted": 7,  # c-approved 2, c-young 1, c-idle 3, shell-old 1
}


def test_a_purge_reports_what_it_destroyed(world: World):
    assert world.purge().counts() == EXPECTED


def test_a_decided_submission_past_the_limit_loses_its_personal_data(world: World):
    world.purge()
    approved = world.submissions.get(world.receipts["approved"])
    assert approved is not None
    assert world.vault.reveal(world.tokens["approved"]) is None
    assert approved.fields == {
        "applicant_name": "",
        "applicant_rrn": "",
        "address": "",
        "phone": "",
        "copy_type": "등본",
        "copies": 1,
        "purpose": "for my bank",
    }
    assert approved.transcript == []
    assert approved.warnings == {
        "applicant_rrn": [{"code": "rrn.checksum", "params": {}}],
        "address": [{"code": "address.detail_missing", "params": {}}],
    }
    assert (approved.receipt_no, approved.status, approved.petition_id) == (
        world.receipts["approved"],
        "approved",
        "resident_registration_copy",
    )
    assert approved.language == "en" and approved.channel == "web"
    assert approved.purged_at is not None
    assert approved.purged_at.replace(tzinfo=UTC) == NOW
    assert approved.updated_at.replace(tzinfo=UTC) == days_ago(100)  # the dates stay


def test_a_purged_submission_loses_its_photos(world: World):
    world.purge()
    rejected = world.submissions.get(world.receipts["rejected"])
    assert rejected is not None
    assert rejected.fields["photos"] == [] and rejected.fields["reporter_phone"] == ""
    assert rejected.fields["vehicle_no"] == "12가3456"  # not personal data
    assert rejected.status == "rejected" and rejected.decision_reason == "incomplete"
    for photo in world.photos["rejected"]:
        assert world.attachments.read("c-rejected", photo) is None
    assert world.conversations.get("c-rejected") is not None  # the record still refers to it


def test_a_younger_decided_submission_keeps_everything(world: World):
    before = world.submissions.get(world.receipts["young"])
    world.purge()
    after = world.submissions.get(world.receipts["young"])
    assert after == before and after is not None and after.purged_at is None
    assert world.vault.reveal(world.tokens["young"]) == RRN
    parking = world.submissions.get(world.receipts["young-parking"])
    assert parking is not None and parking.fields["photos"] == world.photos["young"]
    assert world.attachments.read("c-young", world.photos["young"][0]) == (JPEG, "image/jpeg")
    # What none of its submissions uses goes with the idle conversation.
    assert world.vault.reveal(world.tokens["young-unused"]) is None
    assert world.attachments.read("c-young", world.photos["young-unused"][0]) is None
    assert world.conversations.get("c-young") is not None


def test_open_submissions_are_never_touched_however_old(world: World):
    before = {s: world.submissions.get(world.receipts[s]) for s in ("submitted", "returned")}
    world.purge()
    for status, view in before.items():
        assert view is not None and view.status == status
        assert world.submissions.get(world.receipts[status]) == view
        assert world.vault.reveal(world.tokens[status]) == RRN
        assert world.conversations.get(f"c-{status}") is not None
        assert world.tracker_senders()[f"c-{status}"] == 2


def test_idle_conversations_without_submissions_are_deleted_with_their_data(world: World):
    world.purge()
    assert world.conversations.get("c-idle") is None
    assert world.vault.reveal(world.tokens["idle"]) is None
    assert world.attachments.read("c-idle", world.photos["idle"][0]) is None
    assert world.vault.reveal(world.tokens["ghost"]) is None
    assert [c.conversation_id for c in world.callbacks.open_requests()] == ["c-recent"]
    # A recent conversation keeps everything.
    assert world.conversations.get("c-recent") is not None
    assert world.vault.reveal(world.tokens["recent"]) == RRN


def test_only_the_purged_senders_lose_their_rasa_tracker_events(world: World):
    world.purge()
    assert world.tracker_senders() == {
        "c-submitted": 2,
        "c-returned": 2,
        "c-recent": 2,
        "shell-new": 1,
    }


def test_a_dry_run_changes_nothing_and_reports_the_same_counts(world: World):
    def snapshot() -> tuple[list[str], list[str]]:
        dumps = []
        for path in (world.db.engine.url.database, world.tracker_path):
            with sqlite3.connect(str(path)) as connection:
                dumps.append(list(connection.iterdump()))
        return dumps[0], dumps[1]

    before = snapshot()
    dry = world.purge(dry_run=True)
    assert snapshot() == before
    assert dry.counts() == EXPECTED
    assert world.purge().counts() == dry.counts()


def test_a_second_run_finds_nothing(world: World):
    world.purge()
    assert world.purge() == PurgeReport()
    assert world.purge(dry_run=True).total == 0


def test_the_audit_trail_stays_intact_and_records_the_purge(world: World):
    audit = AuditLog(world.db)
    audit.record("reviewer1", "view", world.receipts["approved"])
    audit.record("reviewer1", "reveal", world.receipts["approved"], field="applicant_rrn")
    world.purge(dry_run=True)
    assert [e.action for e in audit.for_receipt(world.receipts["approved"])] == ["view", "reveal"]
    report = world.purge()
    assert audit.verify() == []
    assert [e.action for e in audit.for_receipt(world.receipts["approved"])] == ["view", "reveal"]
    world.purge()
    assert audit.verify() == []
    from sqlalchemy import select

    from server.store.models import AuditEntry

    with world.db.session() as session:
        purges = session.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).all()
    assert [(e.actor, e.detail) for e in purges] == [
        ("system", report.counts()),
        ("system", PurgeReport().counts()),
    ]


def test_a_missing_tracker_database_or_table_is_nothing_to_delete(world: World, tmp_path: Path):
    missing = tmp_path / "nowhere" / "rasa.db"
    report = purge(world.db, f"sqlite:///{missing}", RETENTION, NOW)
    assert report.tracker_events_deleted == 0 and not missing.exists()
    assert report.conversations_deleted == 1

    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert purge(world.db, f"sqlite:///{empty}", RETENTION, NOW).tracker_events_deleted == 0


def test_the_cli_command_purges_the_configured_installation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from server import settings as settings_module
    from server.cli import app

    var = tmp_path / "var"
    monkeypatch.setenv("MINWON_APP__VAR_DIR", str(var))
    monkeypatch.delenv("MINWON_DATABASE__URL", raising=False)
    monkeypatch.delenv("MINWON_RETENTION__TRACKER_DB_URL", raising=False)
    settings_module.get_settings.cache_clear()
    try:
        settings = settings_module.get_settings()
        assert settings.tracker_db_url == f"sqlite:///{var / 'rasa-tracker.db'}"
        db = Database(settings.database_url)
        db.create_schema()
        old = datetime.now(UTC) - timedelta(days=settings.retention.conversation_days + 1)
        with monkeypatch.context() as patch:
            patch.setattr("server.store.repositories.utcnow", lambda: old)
            ConversationRepository(db).create("c-old", "ko", "kiosk")
            ConversationRepository(db).record_position("c-old", "ko", None, None)

        runner = CliRunner()
        dry = runner.invoke(app, ["retention", "purge", "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert "dry run" in dry.output and "conversations_deleted: 1" in dry.output
        assert ConversationRepository(db).get("c-old") is not None

        done = runner.invoke(app, ["retention", "purge"])
        assert done.exit_code == 0, done.output
        assert "conversations_deleted: 1" in done.output
        assert "tracker_events_deleted: 0" in done.output
        assert ConversationRepository(db).get("c-old") is None
        assert "conversations_deleted: 0" in runner.invoke(app, ["retention", "purge"]).output
    finally:
        settings_module.get_settings.cache_clear()
