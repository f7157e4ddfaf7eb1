"""Which notifications a status change queues, and what the worker does with them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select, update

from actions.ports import SubmissionDraft
from forms.catalog import default_catalog
from server.dispatch import DONE, FAILED, PENDING
from server.links import StatusLinks
from server.nlg import MessageCatalog
from server.notify import Notifications, build_notifications, recipient, status_history
from server.notify_channels import Outgoing, SendError, redacted
from server.settings import (
    ROOT,
    NotifySection,
    OfficeSection,
    Settings,
    SmsWebhookSection,
    SmtpSection,
)
from server.store.db import Database
from server.store.models import Notification, Submission
from server.store.repositories import ConversationRepository, SubmissionRepository

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # for the pure functions
FIELDS = {
    "applicant_name": "Hong Gildong",
    "phone": "+821012345678",
    "email": "hong@example.org",
    "petition_kind": "질의",
    "title": "t",
    "content": "c",
    "disclosure": "공개",
}


class Adapter:
    """Records messages; raises the queued errors first."""

    def __init__(self, *errors: SendError) -> None:
        self.errors = list(errors)
        self.sent: list[Outgoing] = []

    def send(self, message: Outgoing) -> None:
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append(message)


class World:
    def __init__(self, tmp_path, channels=("chat", "email", "sms")) -> None:  # type: ignore[no-untyped-def]
        self.db = Database(f"sqlite:///{tmp_path}/n.db")
        self.db.create_schema()
        config = NotifySection(
            channels=list(channels),
            smtp=SmtpSection(host="127.0.0.1", sender="minwon@city.go.kr"),
            sms=SmsWebhookSection(url="http://127.0.0.1:9/sms", secret="s3cret"),
            backoff={"first_seconds": 60, "factor": 2, "max_seconds": 600, "max_attempts": 3},
        )
        self.notifications: Notifications = build_notifications(
            config,
            self.db,
            default_catalog(),
            MessageCatalog(ROOT / "bot/messages"),
            OfficeSection(),
            StatusLinks(b"k" * 32, "http://testserver"),
        )
        # Rows are due when they are made (the real clock): the worker runs a little later.
        self.now = datetime.now(UTC) + timedelta(seconds=30)
        self.conversations = ConversationRepository(self.db)
        self.submissions = SubmissionRepository(self.db)
        self.submissions.listeners.append(self.notifications.listener)
        self.adapters = {"email": Adapter(), "sms": Adapter()}
        if self.notifications.worker is not None:
            self.notifications.worker.channels = self.adapters

    def submit(self, fields=FIELDS, channel="web", key="k", petition="general_petition") -> str:  # type: ignore[no-untyped-def]
        self.conversations.create(f"c-{key}", "en", channel)
        draft = SubmissionDraft(key, petition, "en", channel, f"c-{key}", dict(fields), {}, [])
        return self.submissions.submit(draft).receipt_no

    def rows(self) -> list[tuple[str, str, str, int]]:
        with self.db.session() as session:
            found = session.execute(
                select(
                    Notification.status,
                    Notification.channel,
                    Notification.state,
                    Notification.attempts,
                ).order_by(Notification.id)
            ).all()
        return [tuple(row) for row in found]

    def run(self, later: float = 0):  # type: ignore[no-untyped-def]
        assert self.notifications.worker is not None
        return self.notifications.worker.run_once(self.now + timedelta(seconds=later))


def test_one_row_per_channel_that_can_reach_the_citizen(tmp_path):
    world = World(tmp_path)
    world.submit()
    assert world.rows() == [
        ("submitted", "chat", DONE, 0),  # the chat said so with the receipt number
        ("submitted", "email", PENDING, 0),
        ("submitted", "sms", PENDING, 0),
    ]


def test_no_email_row_without_an_address_and_no_sms_to_a_landline(tmp_path):
    world = World(tmp_path)
    receipt = world.submit({**FIELDS, "email": "__skip__", "phone": "+8221234567"})
    world.submissions.decide(receipt, "approve", None, {}, "desk")
    assert world.rows() == [("submitted", "chat", DONE, 0), ("approved", "chat", PENDING, 0)]


def test_recipient_reads_the_catalog_field_types():
    catalog = default_catalog()
    general = catalog.petition("general_petition")
    assert recipient(general, "email", FIELDS) == "hong@example.org"
    assert recipient(general, "sms", FIELDS) == "+821012345678"
    assert recipient(general, "sms", {"phone": "+8221234567"}) is None
    parking = catalog.petition("illegal_parking_report")
    assert recipient(parking, "sms", {"reporter_phone": "+821099998888"}) == "+821099998888"
    assert recipient(parking, "email", {"reporter_phone": "+821099998888"}) is None


def test_kiosk_sessions_get_no_chat_notice(tmp_path):
    world = World(tmp_path, channels=("chat",))
    receipt = world.submit(channel="kiosk")
    world.submissions.decide(receipt, "reject", "no", {}, "desk")
    assert world.rows() == []


def test_resubmission_is_not_announced_and_a_second_return_reuses_the_row(tmp_path):
    world = World(tmp_path, channels=("chat",))
    receipt = world.submit()
    world.submissions.decide(receipt, "return", None, {"title": "?"}, "desk")
    world.notifications.chat.correction_started(receipt)
    world.submissions.resubmit(receipt, FIELDS, [])
    assert world.rows()[-1] == ("returned", "chat", DONE, 0)
    world.submissions.decide(receipt, "return", None, {"content": "?"}, "desk")
    assert world.rows() == [("submitted", "chat", DONE, 0), ("returned", "chat", PENDING, 0)]


def test_the_worker_never_claims_chat_rows(tmp_path):
    world = World(tmp_path, channels=("chat", "email"))
    receipt = world.submit()
    world.submissions.decide(receipt, "approve", None, {}, "desk")
    report = world.run()
    assert report.sent == 2
    assert ("approved", "chat", PENDING, 0) in world.rows()
    assert [m.subject.split("] ")[1] for m in world.adapters["email"].sent] == [
        f"Petition received ({receipt})",
        f"Your petition has been approved ({receipt})",
    ]


def test_failures_retry_with_back_off_and_refusals_fail_for_good(tmp_path):
    world = World(tmp_path, channels=("email", "sms"))
    world.adapters["email"].errors = [SendError("SMTP 451 try later")] * 3
    world.adapters["sms"].errors = [SendError("SMS webhook HTTP 400", permanent=True)]
    world.submit()
    report = world.run()
    assert (report.retried, report.failed, report.sent) == (1, 1, 0)
    assert world.rows() == [("submitted", "email", PENDING, 1), ("submitted", "sms", FAILED, 1)]
    assert world.run(59).retried == 0  # not due yet
    assert world.run(60).retried == 1
    world.run(180)
    assert world.rows()[0] == ("submitted", "email", FAILED, 3)  # max_attempts
    with world.db.session() as session:
        errors = session.scalars(select(Notification.last_error)).all()
    assert errors == ["SMTP 451 try later", "SMS webhook HTTP 400"]


def test_a_return_already_corrected_is_not_sent(tmp_path):
    world = World(tmp_path, channels=("email",))
    receipt = world.submit()
    world.run()
    world.submissions.decide(receipt, "return", None, {"title": "?"}, "desk")
    world.submissions.resubmit(receipt, FIELDS, [])
    report = world.run()
    assert (report.sent, report.skipped) == (0, 1)
    assert world.rows()[-1] == ("returned", "email", DONE, 1)


def test_without_an_address_any_more_the_row_fails_without_sending(tmp_path):
    world = World(tmp_path, channels=("email",))
    receipt = world.submit()
    with world.db.session() as session:  # retention purged the personal data meanwhile
        session.execute(
            update(Submission).where(Submission.receipt_no == receipt).values(fields={})
        )
    assert world.run().failed == 1
    assert world.adapters["email"].sent == []


def test_status_history_falls_back_to_the_submission():
    t0, t1, t2 = NOW, NOW + timedelta(days=1), NOW + timedelta(days=2)
    assert status_history(t0, "submitted", t0, []) == [("submitted", t0)]
    assert status_history(t0, "approved", t2, []) == [("submitted", t0), ("approved", t2)]
    announced = [("submitted", t0), ("returned", t1)]
    assert status_history(t0, "resubmitted", t2, announced) == [
        ("submitted", t0),
        ("returned", t1),
        ("resubmitted", t2),
    ]
    announced = [("submitted", t0), ("approved", t2)]
    assert status_history(t0, "approved", t2, announced) == announced


def test_error_texts_keep_no_address():
    text = "550 5.1.1 <hong@example.org>: unknown; also +82 10 1234 5678"
    assert redacted(text, "hong@example.org") == "550 5.1.1 <<recipient>>: unknown; also <number>"


def test_channels_from_the_environment(monkeypatch):
    monkeypatch.setenv("MINWON_NOTIFY__CHANNELS", "chat,email")
    monkeypatch.setenv("MINWON_NOTIFY__SMTP__HOST", "mail.city.go.kr")
    monkeypatch.setenv("MINWON_NOTIFY__SMTP__SENDER", "minwon@city.go.kr")
    notify = Settings().notify
    assert notify.channels == ["chat", "email"] and notify.smtp.port == 587
    assert Settings(notify=NotifySection()).notify.channels == ["chat"]  # the default


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"channels": ["fax"]}, "unknown notification channels"),
        ({"channels": ["email"]}, "smtp.host"),
        ({"channels": ["sms"], "sms": {"url": "http://gw/sms"}}, "secret"),
        ({"lease_seconds": 5}, "lease_seconds"),
    ],
)
def test_incomplete_channel_settings_are_refused(settings, message):
    with pytest.raises(ValidationError, match=message):
        NotifySection(**settings)
