"""Channel adapters for citizen notifications: e-mail over SMTP and an SMS gateway webhook.

An adapter sends one message or raises ``SendError``; ``permanent`` says that trying again
cannot help (the receiver refused the address). Error texts never hold the address."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate
from typing import Protocol

import httpx

from server.settings import SmsWebhookSection, SmtpSection

SIGNATURE_HEADER = "X-Minwon-Signature"


@dataclass(frozen=True)
class Outgoing:
    notification_id: int
    receipt_no: str
    language: str
    to: str  # the e-mail address or E.164 mobile number, read from the submission just now
    subject: str
    text: str
    sender_name: str  # the office's name in the citizen's language


class SendError(Exception):
    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channel(Protocol):
    def send(self, message: Outgoing) -> None: ...


_EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE_LIKE = re.compile(r"\+?\d[\d -]{7,}\d")


def redacted(text: str, address: str) -> str:
    """An error text safe to store and log: addresses and phone numbers taken out."""
    text = text.replace(address, "<recipient>") if address else text
    return _PHONE_LIKE.sub("<number>", _EMAIL_LIKE.sub("<address>", text))[:500]


def sign(secret: bytes, body: bytes) -> str:
    """The ``X-Minwon-Signature`` value: ``sha256=`` + hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


class SmtpChannel:
    def __init__(self, config: SmtpSection) -> None:
        self.config = config

    def message(self, outgoing: Outgoing) -> MIMEText:
        # compat32 headers: the default policy of Python 3.11 drops the space where it folds
        # a long non-ASCII subject between two encoded words ("được chấp" → "đượcchấp").
        mail = MIMEText(outgoing.text, "plain", "utf-8")
        mail["From"] = formataddr((outgoing.sender_name, self.config.sender), "utf-8")
        mail["To"] = outgoing.to
        mail["Subject"] = Header(outgoing.subject, "utf-8")  # type: ignore[assignment]
        mail["Date"] = formatdate(usegmt=True)
        domain = self.config.sender.rpartition("@")[2] or "minwon.invalid"
        # Stable per notification: a resend after a lost reply is recognisable as the same mail.
        mail["Message-ID"] = f"<notification-{outgoing.notification_id}@{domain}>"
        mail["Content-Language"] = outgoing.language
        mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
        return mail

    def _tls(self) -> ssl.SSLContext:
        ca = str(self.config.ca_file) if self.config.ca_file else None
        return ssl.create_default_context(cafile=ca)

    def send(self, message: Outgoing) -> None:
        config = self.config
        try:
            with smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds) as smtp:
                smtp.ehlo()
                if config.starttls:
                    smtp.starttls(context=self._tls())
                    smtp.ehlo()
                if config.username:
                    smtp.login(config.username, config.password.get_secret_value())
                smtp.send_message(self.message(message))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            permanent = all(500 <= code < 600 for code in codes)
            raise SendError(f"SMTP recipient refused ({codes})", permanent) from None
        except smtplib.SMTPResponseException as exc:
            reply = exc.smtp_error
            error = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
            raise SendError(redacted(f"SMTP {exc.smtp_code} {error}", message.to)) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(redacted(f"SMTP {type(exc).__name__}: {exc}", message.to)) from None


class SmsWebhookChannel:
    def __init__(self, config: SmsWebhookSection) -> None:
        self.config = config

    def body(self, message: Outgoing) -> bytes:
        document = {
            "to": message.to,
            "text": message.text,
            "receipt_no": message.receipt_no,
            "notification_id": message.notification_id,
        }
        return json.dumps(document, ensure_ascii=False).encode()

    def send(self, message: Outgoing) -> None:
        body = self.body(message)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: sign(self.config.secret.get_secret_value().encode(), body),
            # The same key on every attempt of one notification: the gateway can drop repeats.
            "Idempotency-Key": f"minwon-notification-{message.notification_id}",
        }
        try:
            with httpx.Client(timeout=self.config.timeout_seconds) as client:
                response = client.post(self.config.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise SendError(redacted(f"SMS webhook {type(exc).__name__}", message.to)) from None
        if response.is_success:
            return
        code = response.status_code
        # The gateway refused this very message (a number it cannot serve, …): it will not
        # take it later either. Anything else (5xx, rate limits, a wrong secret or URL that
        # staff can fix) is tried again after the back-off.
        permanent = code in (400, 410, 422)
        raise SendError(f"SMS webhook HTTP {code}", permanent)
