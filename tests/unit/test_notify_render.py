"""Notices of a status change in all five languages: the receipt number, the petition, the
status link and the office — and nothing of what the citizen entered."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from actions.ports import SubmissionDraft
from forms.catalog import default_catalog
from forms.languages import LANGUAGES
from server.links import StatusLinks
from server.nlg import MessageCatalog
from server.notify import NOTIFIED_STATUSES, NoticeRenderer, build_notifications
from server.notify_channels import Outgoing
from server.settings import ROOT, NotifySection, OfficeSection, SmsWebhookSection, SmtpSection
from server.store.db import Database
from server.store.repositories import ConversationRepository, SubmissionRepository

# What a citizen entered: none of it may appear in a notice.
PLANTED = {
    "applicant_name": "Zelda Quasimodo",
    "phone": "+821098765432",
    "email": "zelda.quasimodo@example.org",
    "petition_kind": "고충",
    "title": "Streetlight outside number 17 flickers",
    "content": "My registration number is pii_rrn_abcdefghijkl, call me on 010-9876-5432.",
    "disclosure": "비공개",
}
FORBIDDEN = [
    "Zelda",
    "Quasimodo",
    "+821098765432",
    "010-9876-5432",
    "98765432",
    "zelda.quasimodo",
    "example.org",
    "Streetlight",
    "pii_rrn",
    "abcdefghijkl",
    "고충",
    "비공개",
]
RECEIPT = "MW-20261122-ABC234"


@pytest.fixture
def renderer() -> NoticeRenderer:
    return NoticeRenderer(
        MessageCatalog(ROOT / "bot/messages"),
        default_catalog(),
        OfficeSection(),
        StatusLinks(b"k" * 32, "https://minwon.city.go.kr"),
    )


def assert_clean(text: str) -> None:
    assert "{" not in text and "}" not in text, text  # every placeholder filled
    for value in FORBIDDEN:
        assert value not in text, (value, text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", NOTIFIED_STATUSES)
def test_every_status_renders_in_every_language(renderer, status, language):
    notice = renderer.render(RECEIPT, "general_petition", status, language)
    for text in (notice.subject, notice.text):
        assert RECEIPT in text
        assert OfficeSection().name[language] in text
        assert_clean(text)
    assert renderer.links.url(RECEIPT) in notice.text
    assert default_catalog().petition("general_petition").title(language) in notice.text
    assert "\n" not in notice.subject


def test_each_status_and_language_has_its_own_words(renderer):
    texts = {
        (status, language): renderer.render(RECEIPT, "move_in_report", status, language).text
        for status in NOTIFIED_STATUSES
        for language in LANGUAGES
    }
    assert len(set(texts.values())) == len(texts)  # no fallback to Korean, no copy-paste
    assert "승인" in texts[("approved", "ko")] and "approved" in texts[("approved", "en")]
    assert "批准" in texts[("approved", "zh")] and "chấp thuận" in texts[("approved", "vi")]
    assert "อนุมัติ" in texts[("approved", "th")]


def test_notice_keys_exist_in_every_message_file():
    messages = MessageCatalog(ROOT / "bot/messages").messages
    for language in LANGUAGES:
        for status in NOTIFIED_STATUSES:
            assert f"notify_{status}" in messages[language], (language, status)
            assert f"notify_subject_{status}" in messages[language], (language, status)


class Recording:
    """A channel adapter that keeps what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    def send(self, message: Outgoing) -> None:
        self.sent.append(message)


@pytest.mark.parametrize("language", LANGUAGES)
def test_what_the_channels_get_holds_no_field_value_but_the_address(tmp_path, language):
    """The whole path: a submission with planted values, every notified status, the e-mail and
    SMS messages the worker hands to the adapters."""
    db = Database(f"sqlite:///{tmp_path}/n.db")
    db.create_schema()
    catalog = default_catalog()
    config = NotifySection(
        channels=["chat", "email", "sms"],
        smtp=SmtpSection(host="127.0.0.1", sender="minwon@city.go.kr"),
        sms=SmsWebhookSection(url="http://127.0.0.1:9/sms", secret="s3cret"),
    )
    links = StatusLinks(b"k" * 32, "https://minwon.city.go.kr")
    notifications = build_notifications(
        config, db, catalog, MessageCatalog(ROOT / "bot/messages"), OfficeSection(), links
    )
    adapters = {"email": Recording(), "sms": Recording()}
    worker = notifications.worker
    assert worker is not None
    worker.channels = adapters
    ConversationRepository(db).create("c1", language, "web")
    submissions = SubmissionRepository(db)
    submissions.listeners.append(notifications.listener)
    draft = SubmissionDraft("k", "general_petition", language, "web", "c1", PLANTED, {}, [])
    receipt = submissions.submit(draft).receipt_no
    submissions.decide(receipt, "return", "Please check", {"title": "?"}, "desk")
    worker.run_once(datetime.now(UTC))  # the return, while it is still open
    submissions.resubmit(receipt, PLANTED, [])
    submissions.decide(receipt, "reject", "No", {}, "desk")
    worker.run_once(datetime.now(UTC))

    emails, sms = adapters["email"].sent, adapters["sms"].sent
    assert [m.to for m in emails] == ["zelda.quasimodo@example.org"] * 3
    assert [m.to for m in sms] == ["+821098765432"] * 3
    for message in emails + sms:
        assert message.receipt_no == receipt and message.language == language
        for text in (message.subject, message.text, message.sender_name):
            assert receipt in text or text == message.sender_name
            assert_clean(text)
