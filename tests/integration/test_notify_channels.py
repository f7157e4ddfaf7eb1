"""Notifications through real receivers on loopback: an SMTP server (aiosmtpd, also with
STARTTLS and a login), an SMS gateway webhook (http.server) that fails, times out and then
accepts, the app's background worker, and the chat API."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient
from sqlalchemy import select

from actions.ports import SubmissionDraft
from server.app import container_of, create_app
from server.container import Container, build_container
from server.notify_channels import Outgoing, SmtpChannel
from server.settings import NotifySection, Settings, SmsWebhookSection, SmtpSection
from server.store.models import Notification
from tests.api.conftest import FakeRasa

SENDER = "minwon@city.go.kr"
CITIZEN_EMAIL = "nguyen.thi.lan@example.org"
CITIZEN_MOBILE = "+821055556666"
FIELDS = {
    "applicant_name": "Nguyen Thi Lan",
    "phone": CITIZEN_MOBILE,
    "email": CITIZEN_EMAIL,
    "petition_kind": "건의",
    "title": "Bus stop bench",
    "content": "Please repair the bench at the bus stop.",
    "disclosure": "비공개",
}
SECRET = "gateway-shared-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- an SMTP server on loopback ------------------------------------------------------------


@dataclass
class Mailbox:
    host: str
    port: int
    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password == b"relay-password"
        if ok:
            self.logins.append((data.login, data.password))
        return AuthResult(success=ok)

    def wait_for(self, count: int, seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.received) >= count, self.received


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox("127.0.0.1", free_port())
    controller = Controller(box, hostname=box.host, port=box.port)
    controller.start()
    yield box
    controller.stop()


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "relay.pem", tmp_path / "relay.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


# --- an SMS gateway webhook on loopback ----------------------------------------------------


class Gateway:
    """Answers each request with the next scripted reply (an HTTP status, or "slow": no answer
    before the client's timeout), then 200."""

    def __init__(self) -> None:
        self.script: list[int | str] = []
        self.requests: list[tuple[dict[str, str], bytes]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append((dict(self.headers), body))
                reply = gateway.script.pop(0) if gateway.script else 200
                if reply == "slow":
                    time.sleep(1.5)
                    reply = 200
                try:
                    self.send_response(int(reply))
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"accepted": true}')
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    receiver = Gateway()
    yield receiver
    receiver.close()


# --- the app -------------------------------------------------------------------------------


def with_notify(settings: Settings, **notify: Any) -> Settings:
    return settings.model_copy(update={"notify": NotifySection(**notify)})


def smtp_of(mailbox: Mailbox) -> SmtpSection:
    return SmtpSection(host=mailbox.host, port=mailbox.port, starttls=False, sender=SENDER)


def submit(container: Container, language: str, fields: dict[str, Any] = FIELDS) -> str:
    conversation = uuid.uuid4().hex
    container.conversations.create(conversation, language, "web")
    draft = SubmissionDraft(
        conversation, "general_petition", language, "web", conversation, dict(fields), {}, []
    )
    return container.submissions.submit(draft).receipt_no


def later(seconds: float = 0) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


def notification(container: Container, receipt: str, status: str, channel: str) -> Notification:
    with container.db.session() as session:
        row = session.scalar(
            select(Notification).where(
                Notification.receipt_no == receipt,
                Notification.status == status,
                Notification.channel == channel,
            )
        )
        assert row is not None
        session.expunge(row)
        return row


def test_an_approved_petition_reaches_the_citizen_by_email_in_their_language(settings, mailbox):
    container = build_container(
        with_notify(settings, channels=["chat", "email"], smtp=smtp_of(mailbox)), FakeRasa()
    )
    receipt = submit(container, "vi")
    container.submissions.decide(receipt, "approve", None, {}, "desk")
    worker = container.notifications.worker
    assert worker is not None
    assert worker.run_once(later()).sent == 2  # received, approved
    mailbox.wait_for(2)

    mail_from, rcpt_tos, mail = mailbox.received[1]
    notice = container.notifications.renderer.render(receipt, "general_petition", "approved", "vi")
    assert (mail_from, rcpt_tos) == (SENDER, [CITIZEN_EMAIL])
    assert parseaddr(str(mail["From"])) == ("Tòa thị chính", SENDER)
    assert str(mail["To"]) == CITIZEN_EMAIL
    assert str(mail["Subject"]) == notice.subject
    assert notice.subject == f"[Tòa thị chính] Hồ sơ đã được chấp thuận ({receipt})"
    body = mail.get_content()
    assert body.strip() == notice.text and "chấp thuận" in body and receipt in body
    assert container.links.url(receipt) in body
    assert mail["Content-Language"] == "vi" and mail["Auto-Submitted"] == "auto-generated"
    for value in ("Nguyen", "Lan", "Bus stop", "bench", CITIZEN_MOBILE, CITIZEN_EMAIL):
        assert value not in str(mail["Subject"]) and value not in body
    assert "Đã tiếp nhận hồ sơ" in str(mailbox.received[0][2]["Subject"])  # the receipt notice
    assert notification(container, receipt, "approved", "email").state == "done"
    assert notification(container, receipt, "approved", "chat").state == "pending"
    assert worker.run_once(later(3600)).sent == 0  # sent once


def test_starttls_and_login_with_the_relay(tmp_path):
    cert, key = self_signed(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    secure = Mailbox("127.0.0.1", free_port())
    controller = Controller(
        secure,
        hostname=secure.host,
        port=secure.port,
        tls_context=tls,
        require_starttls=True,
        authenticator=secure.authenticate,
        auth_required=True,
    )
    controller.start()
    try:
        config = SmtpSection(
            host=secure.host,
            port=secure.port,
            starttls=True,
            username="minwon",
            password="relay-password",
            sender=SENDER,
            ca_file=cert,
        )
        outgoing = Outgoing(7, "MW-20261122-ABC234", "en", CITIZEN_EMAIL, "S", "T", "City Hall")
        SmtpChannel(config).send(outgoing)
        secure.wait_for(1)
        assert secure.logins == [(b"minwon", b"relay-password")]
        assert secure.received[0][2]["Message-ID"] == "<notification-7@city.go.kr>"
    finally:
        controller.stop()


def test_the_sms_gateway_gets_signed_json(settings, gateway):
    sms = SmsWebhookSection(url=gateway.url, secret=SECRET)
    container = build_container(with_notify(settings, channels=["sms"], sms=sms), FakeRasa())
    receipt = submit(container, "th")
    container.submissions.decide(receipt, "reject", "Outside our city", {}, "desk")
    worker = container.notifications.worker
    assert worker is not None
    assert worker.run_once(later()).sent == 2

    headers, body = gateway.requests[1]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Minwon-Signature"], expected)
    document = json.loads(body)
    row = notification(container, receipt, "rejected", "sms")
    notice = container.notifications.renderer.render(receipt, "general_petition", "rejected", "th")
    assert document == {
        "to": CITIZEN_MOBILE,
        "text": notice.text,
        "receipt_no": receipt,
        "notification_id": row.id,
    }
    assert "ไม่ได้รับการอนุมัติ" in document["text"] and "Nguyen" not in document["text"]
    assert headers["Idempotency-Key"] == f"minwon-notification-{row.id}"
    assert row.state == "done" and row.sent_at is not None


def test_a_failing_and_then_slow_gateway_is_retried_until_it_accepts(settings, gateway):
    sms = SmsWebhookSection(url=gateway.url, secret=SECRET, timeout_seconds=0.5)
    backoff = {"first_seconds": 30, "factor": 2, "max_seconds": 600, "max_attempts": 5}
    container = build_container(
        with_notify(settings, channels=["sms"], sms=sms, backoff=backoff), FakeRasa()
    )
    worker = container.notifications.worker
    assert worker is not None
    receipt = submit(container, "en")
    assert worker.run_once(later()).sent == 1  # the receipt notice, accepted at once

    container.submissions.decide(receipt, "approve", None, {}, "desk")
    gateway.script = [503, "slow"]
    start = later()
    assert worker.run_once(start).retried == 1
    row = notification(container, receipt, "approved", "sms")
    assert (row.state, row.attempts, row.last_error) == ("pending", 1, "SMS webhook HTTP 503")
    assert worker.run_once(start + dt.timedelta(seconds=29)).retried == 0  # backing off
    assert worker.run_once(start + dt.timedelta(seconds=30)).retried == 1  # timed out
    assert notification(container, receipt, "approved", "sms").last_error == (
        "SMS webhook ReadTimeout"
    )
    assert worker.run_once(start + dt.timedelta(seconds=30 + 59)).sent == 0
    assert worker.run_once(start + dt.timedelta(seconds=30 + 60)).sent == 1
    row = notification(container, receipt, "approved", "sms")
    assert (row.state, row.attempts, row.last_error) == ("done", 3, None)
    ids = [json.loads(body)["notification_id"] for _, body in gateway.requests[1:]]
    assert ids == [row.id] * 3  # one id for every attempt: the gateway can drop repeats
    assert worker.run_once(start + dt.timedelta(hours=2)).sent == 0


def test_a_refused_number_fails_for_good(settings, gateway):
    sms = SmsWebhookSection(url=gateway.url, secret=SECRET)
    container = build_container(with_notify(settings, channels=["sms"], sms=sms), FakeRasa())
    worker = container.notifications.worker
    assert worker is not None
    gateway.script = [422]
    receipt = submit(container, "ko")
    assert worker.run_once(later()).failed == 1
    row = notification(container, receipt, "submitted", "sms")
    assert (row.state, row.last_error) == ("failed", "SMS webhook HTTP 422")
    assert worker.run_once(later(86400)).failed == 0


def test_the_app_sends_in_the_background(settings, mailbox):
    app_settings = with_notify(
        settings, channels=["chat", "email"], smtp=smtp_of(mailbox), poll_seconds=0.1
    )
    with TestClient(create_app(app_settings, rasa=FakeRasa())) as client:
        container = container_of(client.app)  # type: ignore[arg-type]
        receipt = submit(container, "zh")
        container.submissions.decide(receipt, "approve", None, {}, "desk")
        mailbox.wait_for(2)
    subjects = sorted(str(mail["Subject"]) for _, _, mail in mailbox.received)
    assert subjects == sorted(
        [f"[市政府] 民愿受理通知（{receipt}）", f"[市政府] 民愿批准通知（{receipt}）"]
    )


def test_the_chat_notice_appears_once_on_the_next_message(settings):
    rasa = FakeRasa()
    rasa.slots = {"language": "th"}
    with TestClient(create_app(settings, rasa=rasa)) as client:
        container = container_of(client.app)  # type: ignore[arg-type]
        conversation = client.post("/api/conversations", json={"language": "th"}).json()
        cid = conversation["conversation_id"]
        draft = SubmissionDraft("k1", "general_petition", "th", "web", cid, FIELDS, {}, [])
        receipt = container.submissions.submit(draft).receipt_no
        container.submissions.decide(receipt, "approve", None, {}, "desk")

        first = client.post(f"/api/conversations/{cid}/messages", json={"text": "สวัสดี"}).json()
        notice = container.notifications.renderer.render(
            receipt, "general_petition", "approved", "th"
        )
        assert [m["text"] for m in first["messages"]] == [notice.text, "ok"]
        assert receipt in notice.text and "อนุมัติ" in notice.text
        again = client.post(f"/api/conversations/{cid}/messages", json={"text": "ขอบคุณ"}).json()
        assert [m["text"] for m in again["messages"]] == ["ok"]
        assert notification(container, receipt, "approved", "chat").state == "done"
