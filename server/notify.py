"""Citizen notifications: a status change (received, returned, approved, rejected) is told to
the citizen in their language — in the chat when they come back, on the status page, and by
e-mail or SMS when configured.

- ``NotificationListener`` runs inside the transaction that changes a submission's status and
  adds one ``notifications`` row per configured channel (e-mail only when the submission has an
  e-mail address, SMS only when it has a mobile number). Rows hold no address.
- ``NoticeRenderer`` writes the text from ``bot/messages/<lang>.yml`` (``notify_<status>``,
  ``notify_subject_<status>``): the receipt number, the petition's title, the status link and
  the office's name — never a name or any other value of the submission.
- ``ChatNotices`` gives the chat service the pending in-chat notices of a conversation.
- ``NotifyWorker`` claims due e-mail/SMS rows from the durable queue and sends them through
  the channel adapters (server/notify_channels.py); the app runs it every poll_seconds
  (server/background.py), ``minwon notify run`` from the command line.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from forms.catalog import Catalog, Petition
from forms.languages import normalise_language
from forms.validators import Valid, email, mobile_phone
from server.dispatch import Backoff, DurableQueue
from server.links import StatusLinks
from server.nlg import MessageCatalog, office_params
from server.notify_channels import Channel, Outgoing, SendError, SmsWebhookChannel, SmtpChannel
from server.settings import NotifySection, OfficeSection
from server.store.db import Database
from server.store.models import Notification, Submission
from server.store.notifications import ChatNotice, NotificationJob, NotificationRepository

log = logging.getLogger(__name__)

NOTIFIED_STATUSES = ("submitted", "returned", "approved", "rejected")
EXTERNAL_CHANNELS = ("email", "sms")
PHONE_TYPES = ("phone", "phone_any")


def recipient(petition: Petition, channel: str, fields: Mapping[str, Any]) -> str | None:
    """Where ``channel`` reaches the citizen, from the submission's fields: the first e-mail
    address, or the first mobile number (E.164; a landline in a phone_any field cannot take an
    SMS). None when the submission has none."""
    for field in petition.fields:
        value = fields.get(field.id)
        if not isinstance(value, str) or not value:
            continue
        if channel == "email" and field.type == "email":
            checked = email(value)
        elif channel == "sms" and field.type in PHONE_TYPES:
            checked = mobile_phone(value)
        else:
            continue
        if isinstance(checked, Valid):
            return str(checked.value)
    return None


@dataclass(frozen=True)
class Notice:
    subject: str
    text: str


class NoticeRenderer:
    def __init__(
        self,
        messages: MessageCatalog,
        catalog: Catalog,
        office: OfficeSection,
        links: StatusLinks,
    ) -> None:
        self.messages = messages
        self.catalog = catalog
        self.office = office
        self.links = links

    def render(self, receipt_no: str, petition_id: str, status: str, language: str) -> Notice:
        lang = normalise_language(language)
        params = {
            "receipt_no": receipt_no,
            "title": self.catalog.petition(petition_id).title(lang),
            "status_url": self.links.url(receipt_no),
            "office_name": office_params(self.office, lang)["office_name"],
        }
        return Notice(
            subject=self.messages.phrase(f"notify_subject_{status}", lang, **params),
            text=self.messages.phrase(f"notify_{status}", lang, **params),
        )

    def sender_name(self, language: str) -> str:
        return office_params(self.office, normalise_language(language))["office_name"]


class NotificationListener:
    """A ``SubmissionRepository`` status listener (called inside its transaction)."""

    def __init__(self, catalog: Catalog, channels: list[str]) -> None:
        self.catalog = catalog
        self.channels = channels

    def __call__(self, session: Session, row: Submission) -> None:
        if row.status not in NOTIFIED_STATUSES:
            return
        petition = self.catalog.petitions.get(row.petition_id)
        now = datetime.now(UTC)
        for channel in self.channels:
            if channel == "chat" and row.channel == "kiosk":
                continue  # the kiosk wiped that session: nobody comes back to it
            if channel in EXTERNAL_CHANNELS and (
                petition is None or recipient(petition, channel, row.fields or {}) is None
            ):
                continue
            NotificationRepository.record(
                session,
                row.receipt_no,
                row.status,
                channel,
                row.language,
                now,
                # The chat said "received" with the receipt number in the same turn.
                delivered=channel == "chat" and row.status == "submitted",
            )


class ChatNotices:
    """Pending in-chat notices of a conversation, rendered in the conversation's language."""

    def __init__(self, repository: NotificationRepository, renderer: NoticeRenderer) -> None:
        self.repository = repository
        self.renderer = renderer

    def pending(self, conversation_id: str) -> list[ChatNotice]:
        return self.repository.pending_chat(conversation_id)

    def deliver(self, notices: list[ChatNotice], language: str) -> list[dict[str, Any]]:
        """Chat messages for the notices this call marked delivered (a concurrent request
        that delivered one first shows it instead: each notice appears once)."""
        now = datetime.now(UTC)
        messages = []
        for notice in notices:
            if self.repository.mark_delivered(notice.id, now):
                text = self.renderer.render(
                    notice.receipt_no, notice.petition_id, notice.status, language
                ).text
                messages.append({"text": text})
        return messages

    def correction_started(self, receipt_no: str) -> None:
        """The correction flow told the citizen about the return: no separate notice."""
        self.repository.settle(receipt_no, "returned", "chat", datetime.now(UTC))


@dataclass
class WorkerReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.retried or self.failed or self.skipped)


class NotifyWorker:
    """Sends due e-mail and SMS notifications; one ``run_once`` is one pass over due rows."""

    def __init__(
        self,
        queue: DurableQueue,
        repository: NotificationRepository,
        channels: Mapping[str, Channel],
        renderer: NoticeRenderer,
        catalog: Catalog,
    ) -> None:
        self.queue = queue
        self.repository = repository
        self.channels = channels
        self.renderer = renderer
        self.catalog = catalog

    def run_once(self, now: datetime, limit: int = 20) -> WorkerReport:
        report = WorkerReport()
        for row_id in self.queue.claim(now, limit):
            job = self.repository.job(row_id)
            if job is None:
                continue
            try:
                outgoing = self._outgoing(job)
                if outgoing is None:
                    self.queue.done(row_id, now)
                    report.skipped += 1
                    continue
                self.channels[job.channel].send(outgoing)
            except SendError as exc:
                log.warning("notification %s (%s) not sent: %s", row_id, job.channel, exc)
                if exc.permanent:
                    self.queue.fail(row_id, now, str(exc))
                    report.failed += 1
                else:
                    self.queue.retry_later(row_id, now, str(exc))
                    report.retried += 1
            except Exception as exc:  # a bug must not stop the other rows; the row retries
                log.exception("notification %s (%s) failed", row_id, job.channel)
                self.queue.retry_later(row_id, now, type(exc).__name__)
                report.retried += 1
            else:
                self.queue.done(row_id, now, sent_at=now)
                report.sent += 1
        return report

    def _outgoing(self, job: NotificationJob) -> Outgoing | None:
        """The message to send, None when it no longer makes sense (a return for correction
        the citizen has already answered). Raises a permanent SendError without an address."""
        if job.fields is None or job.petition_id is None:
            raise SendError("the submission no longer exists", permanent=True)
        if job.status == "returned" and job.submission_status != "returned":
            return None
        petition = self.catalog.petition(job.petition_id)
        to = recipient(petition, job.channel, job.fields)
        if to is None:
            raise SendError("no address in the submission (purged?)", permanent=True)
        notice = self.renderer.render(job.receipt_no, job.petition_id, job.status, job.language)
        return Outgoing(
            notification_id=job.id,
            receipt_no=job.receipt_no,
            language=job.language,
            to=to,
            subject=notice.subject,
            text=notice.text,
            sender_name=self.renderer.sender_name(job.language),
        )


def channel_adapters(config: NotifySection) -> dict[str, Channel]:
    adapters: dict[str, Channel] = {}
    if "email" in config.channels:
        adapters["email"] = SmtpChannel(config.smtp)
    if "sms" in config.channels:
        adapters["sms"] = SmsWebhookChannel(config.sms)
    return adapters


def build_worker(
    config: NotifySection,
    db: Database,
    repository: NotificationRepository,
    renderer: NoticeRenderer,
    catalog: Catalog,
    adapters: Mapping[str, Channel] | None = None,
) -> NotifyWorker | None:
    """The worker for the configured e-mail/SMS channels; None when only the chat is on."""
    adapters = channel_adapters(config) if adapters is None else adapters
    if not adapters:
        return None
    b = config.backoff
    queue = DurableQueue(
        db,
        Notification,
        Backoff(b.first_seconds, b.factor, b.max_seconds, b.max_attempts),
        timedelta(seconds=config.lease_seconds),
        where=(Notification.channel.in_(sorted(adapters)),),
    )
    return NotifyWorker(queue, repository, adapters, renderer, catalog)


@dataclass(frozen=True)
class Notifications:
    """Everything the app wires for notifications (server/container.py, the CLI)."""

    repository: NotificationRepository
    renderer: NoticeRenderer
    listener: NotificationListener
    chat: ChatNotices
    worker: NotifyWorker | None  # None when only the chat is on


def build_notifications(
    config: NotifySection,
    db: Database,
    catalog: Catalog,
    messages: MessageCatalog,
    office: OfficeSection,
    links: StatusLinks,
) -> Notifications:
    repository = NotificationRepository(db)
    renderer = NoticeRenderer(messages, catalog, office, links)
    return Notifications(
        repository=repository,
        renderer=renderer,
        listener=NotificationListener(catalog, list(config.channels)),
        chat=ChatNotices(repository, renderer),
        worker=build_worker(config, db, repository, renderer, catalog),
    )


def status_history(
    submitted_at: datetime,
    status: str,
    updated_at: datetime,
    announced: list[tuple[str, datetime]],
) -> list[tuple[str, datetime]]:
    """The steps a citizen sees on the status page: received, each announced status change,
    and the current status (also when nothing was announced, e.g. before notifications)."""
    steps = [("submitted", submitted_at)]
    steps += [(step, at) for step, at in announced if step != "submitted"]
    if status != steps[-1][0] and status != "submitted":
        steps.append((status, updated_at))
    return steps
