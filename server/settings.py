"""One typed settings object, a section per subsystem, read from the environment.

Variables are prefixed ``MINWON_`` and nested with ``__``, e.g. ``MINWON_DATABASE__URL`` or
``MINWON_RASA__URL``. Defaults are the embedded single-machine setup: SQLite under ``var/``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


def word_list(value: object) -> object:
    """A list setting from the environment: a JSON list, or words separated by commas or
    spaces (``chat,email`` or ``["chat", "email"]``)."""
    if isinstance(value, str):
        text = value.strip()
        return json.loads(text) if text.startswith("[") else text.replace(",", " ").split()
    return value


class AppSection(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8000
    # Public base URL used in links given to citizens (status page, QR code).
    public_url: str = "http://127.0.0.1:8000"
    var_dir: Path = ROOT / "var"
    log_level: str = "INFO"


class DatabaseSection(BaseModel):
    # Any SQLAlchemy URL; PostgreSQL in production, e.g. postgresql+psycopg://minwon@db/minwon
    url: str = ""


class RasaSection(BaseModel):
    url: str = "http://127.0.0.1:5005"
    # Token for Rasa's HTTP API (tracker reads). Only the app and Rasa know it; the run command
    # generates one into var/ when none is set.
    token: str = ""
    timeout_seconds: float = 90.0
    project_dir: Path = ROOT / "bot"
    data_dir: Path = ROOT / "data"


class ChatSection(BaseModel):
    max_text_chars: int = 2000
    # Requests per minute; the chat API answers 429 past these.
    rate_per_conversation: int = 30
    rate_per_client: int = 120


class PiiSection(BaseModel):
    # base64 of a 32-byte AES key; otherwise read (or created with mode 0600) at key_file.
    key: str = ""
    key_file: Path | None = None
    # Older keys (base64) that still decrypt rows not yet re-encrypted (`minwon pii reencrypt`):
    # a JSON list or comma-separated. Keys rotated in the key file are kept in <key_file>.previous.
    previous_keys: Annotated[list[str], NoDecode] = []

    @field_validator("previous_keys", mode="before")
    @classmethod
    def _key_list(cls, value: object) -> object:
        return word_list(value)


class OfficeSection(BaseModel):
    """How citizens reach the office's staff; said by the bot in the citizen's language."""

    name: dict[str, str] = {
        "ko": "시청",
        "en": "City Hall",
        "zh": "市政府",
        "vi": "Tòa thị chính",
        "th": "ศาลาว่าการเมือง",
    }
    phone: str = "120"
    hours: dict[str, str] = {
        "ko": "평일 09:00~18:00",
        "en": "weekdays 9:00–18:00",
        "zh": "工作日 9:00–18:00",
        "vi": "ngày thường 9:00–18:00",
        "th": "วันธรรมดา 9:00–18:00",
    }


class KnowledgeSection(BaseModel):
    """Procedure answers: documents, embeddings, vector store and the local LLM."""

    documents_dir: Path = ROOT / "knowledge" / "documents"
    # Embedded Chroma and the ingestion records live here (default: <var>/knowledge).
    persist_dir: Path | None = None
    # A Chroma server instead of the embedded store, e.g. http://127.0.0.1:8001
    chroma_url: str = ""
    # SQLAlchemy URL of the ingestion record manager (default: SQLite in persist_dir).
    records_url: str = ""
    # "use-m" (packaged USE multilingual), "minilm", "hashing" (tests), or any
    # sentence-transformers model name (from the local cache) or directory.
    embedder: str = "use-m"
    # "gemma3-270m" (packaged), "smollm2-135m" (packaged), a GGUF path, the URL of an
    # OpenAI-compatible server (http://llm:8080/v1), or "none" (extractive only).
    llm: str = "gemma3-270m"
    llm_threads: int = 1
    # How the model is prompted: "auto" (a GGUF's chat template if it has one; completion-style
    # for a URL), "completion" or "chat".
    llm_style: Literal["auto", "completion", "chat"] = "auto"
    max_tokens: int = 96
    # Packaged GGUF models are assembled here once (default: <var>/models).
    models_dir: Path | None = None
    # Retrieval: score = dense_weight·cosine + lexical_weight·BM25 (relative to the best);
    # below min_confidence the answer is "I don't know". Calibrated by benchmarks/knowledge_eval.
    dense_weight: float = 0.5
    lexical_weight: float = 0.5
    min_confidence: float = 0.219
    # The languages a deployment's own embedder was trained on (e.g. ["ko", "en", "zh", "vi",
    # "th"] for multilingual-e5); unset: known for use-m (no Vietnamese) and minilm (English),
    # all for any other model. Elsewhere confidence rests on the question's words alone.
    embedder_languages: list[str] | None = None
    # Load the models when the app starts (in the background) rather than at the first question.
    warm_up: bool = True


class WidgetSection(BaseModel):
    """The chat widget that city pages embed with one script tag."""

    # Origins of the city pages allowed to embed the widget (its iframe), e.g.
    # ["https://www.city.go.kr"]; the app's own pages always may. Sent as CSP frame-ancestors.
    allowed_hosts: list[str] = []


class KioskSection(BaseModel):
    """The senior-friendly touch kiosk at /kiosk."""

    # Seconds without a touch before the session is wiped; the warning (with a button to go
    # on) shows this many seconds before (KWCAG 2.2: at least 20).
    idle_seconds: int = Field(120, ge=30)
    warning_seconds: int = Field(30, ge=20)
    # Body text height in millimetres on the kiosk's screen (MSIT 2025: 12 mm, 7.25 mm on
    # kiosks with a diagonal of 28 cm or less) and the screen's pixel density in px per mm.
    text_mm: float = Field(12.0, gt=0)
    px_per_mm: float = Field(3.78, gt=0)  # 96 dpi; measure the kiosk's own screen
    # Read every bot message aloud (Web Speech API) from the start; a button toggles it.
    read_aloud: bool = True


class RetentionSection(BaseModel):
    """How long personal data is kept (``minwon retention purge``, run daily; server/retention.py).

    - A submission decided (approved or rejected) ``closed_submission_days`` ago or more loses
      its personal data: identifier vault rows, personal and identifier field values, the
      transcript and the photos. The record itself (receipt, petition, status, language,
      channel, dates, warning codes) stays for statistics, marked as purged.
    - A conversation idle for more than ``conversation_days`` without an open submission loses
      what no kept submission still needs: vault rows, photos, call-back requests (handled
      ones, and open ones older than the limit) and its Rasa tracker events; its row goes too
      unless a decided submission still refers to it.
    - ``audit_years`` is how long the audit trail (the access log) is kept: at least 2 years for
      a system that handles unique identifiers (안전성 확보조치 기준 §8). The purge command never
      deletes or edits audit entries: the trail is append-only and hash-chained (``minwon audit
      verify``); the purge only adds an entry with its counts.
    """

    closed_submission_days: int = Field(default=90, ge=1)
    conversation_days: int = Field(default=30, ge=1)
    audit_years: int = Field(default=2, ge=2)
    # SQLAlchemy URL of Rasa's SQL tracker store (bot/endpoints.yml); default: the SQLite
    # file scripts/run.sh gives Rasa, <var>/rasa-tracker.db.
    tracker_db_url: str = ""


class BackoffSection(BaseModel):
    """Retries of a durable queue (server/dispatch.py): the n-th failed attempt waits
    first_seconds · factor^(n-1), at most max_seconds; after max_attempts the row is "failed"
    (staff see it and can send it again)."""

    first_seconds: float = Field(10.0, gt=0)
    factor: float = Field(2.0, ge=1)
    max_seconds: float = Field(3600.0, gt=0)
    max_attempts: int = Field(20, ge=1)


class HandoffTarget(BaseModel):
    """A back-office endpoint that receives decided submissions (docs/handoff/README.md)."""

    model_config = {"extra": "forbid"}

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    kind: Literal["http", "folder"]
    # http: the receiver's URL; the package is POSTed there, signed with ``secret`` (HMAC-SHA256).
    url: str = ""
    secret: SecretStr = SecretStr("")
    # folder: where <receipt>-<event>.json and .pdf are written (for systems that import files).
    folder: Path | None = None
    timeout_seconds: float = Field(10.0, gt=0)

    @model_validator(mode="after")
    def _complete(self) -> HandoffTarget:
        if self.kind == "http":
            if not self.url.startswith(("http://", "https://")):
                raise ValueError(f"hand-off target {self.name!r}: url must be http(s)://…")
            if not self.secret.get_secret_value():
                raise ValueError(f"hand-off target {self.name!r}: an HTTP target needs a secret")
        elif self.folder is None:
            raise ValueError(f"hand-off target {self.name!r}: a folder target needs folder")
        return self


class HandoffSection(BaseModel):
    """Back-office hand-off (server/handoff.py): decided submissions go to each target from a
    durable outbox, retried until acknowledged. No targets (the default): nothing is sent.

    ``MINWON_HANDOFF__TARGETS='[{"name":"erp","kind":"http","url":"https://erp.city.go.kr/minwon",
    "secret":"…"}]'``
    """

    targets: list[HandoffTarget] = []
    # Submission statuses handed off: ["approved", "rejected"] sends every decided one.
    events: list[Literal["approved", "rejected"]] = ["approved"]
    poll_seconds: float = Field(10.0, gt=0)
    backoff: BackoffSection = Field(default_factory=BackoffSection)
    # A worker holds a row this long while sending it; a worker that died mid-send leaves it
    # due again after the lease (longer than any target's timeout).
    lease_seconds: float = Field(300.0, gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> HandoffSection:
        names = [t.name for t in self.targets]
        if len(names) != len(set(names)):
            raise ValueError("hand-off target names must be unique")
        slowest = max((t.timeout_seconds for t in self.targets), default=0)
        if self.lease_seconds <= slowest:
            raise ValueError("handoff lease_seconds must exceed every target's timeout_seconds")
        return self


class SmtpSection(BaseModel):
    """The city's mail relay for e-mail notifications."""

    host: str = ""
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    # Login, when the relay asks for one (only after STARTTLS when starttls is on).
    username: str = ""
    password: SecretStr = SecretStr("")
    # The From address, e.g. minwon@city.go.kr; the office's name (in the citizen's language)
    # is its display name.
    sender: str = ""
    timeout_seconds: float = Field(30.0, gt=0)
    # A CA bundle for a relay whose certificate a private CA signed (default: the system's).
    ca_file: Path | None = None


class SmsWebhookSection(BaseModel):
    """An SMS gateway behind a webhook: the app POSTs {to, text, receipt_no, notification_id},
    signed with ``secret`` (``X-Minwon-Signature: sha256=<HMAC-SHA256 of the body>``)."""

    url: str = ""
    secret: SecretStr = SecretStr("")
    timeout_seconds: float = Field(10.0, gt=0)


NOTIFY_CHANNELS = ("chat", "email", "sms")


class NotifyBackoffSection(BackoffSection):
    """Retries of e-mail/SMS notifications: 30 s, 1 min, 2 min … up to an hour, 12 attempts."""

    first_seconds: float = Field(30.0, gt=0)
    max_attempts: int = Field(12, ge=1)


class NotifySection(BaseModel):
    """Status changes told to the citizen (server/notify.py). "chat": in the chat when they
    come back (and on the status page) — needs no server; "email" (SMTP) and "sms" (a
    webhook) are sent by a worker from a durable queue, to the address in the submission.
    ``MINWON_NOTIFY__CHANNELS=chat,email`` (or a JSON list)."""

    channels: Annotated[list[str], NoDecode] = ["chat"]
    smtp: SmtpSection = Field(default_factory=SmtpSection)
    sms: SmsWebhookSection = Field(default_factory=SmsWebhookSection)
    poll_seconds: float = Field(15.0, gt=0)
    backoff: NotifyBackoffSection = Field(default_factory=NotifyBackoffSection)
    # A worker holds a row this long while sending it (longer than any channel's timeout).
    lease_seconds: float = Field(300.0, gt=0)

    @field_validator("channels", mode="before")
    @classmethod
    def _channel_list(cls, value: object) -> object:
        return word_list(value)

    @model_validator(mode="after")
    def _configured(self) -> NotifySection:
        unknown = set(self.channels) - set(NOTIFY_CHANNELS)
        if unknown:
            raise ValueError(f"unknown notification channels {sorted(unknown)}: {NOTIFY_CHANNELS}")
        if "email" in self.channels and not (self.smtp.host and self.smtp.sender):
            raise ValueError("the email channel needs notify.smtp.host and notify.smtp.sender")
        if "sms" in self.channels and not (
            self.sms.url.startswith(("http://", "https://")) and self.sms.secret.get_secret_value()
        ):
            raise ValueError("the sms channel needs notify.sms.url (http(s)://…) and a secret")
        slowest = max(self.smtp.timeout_seconds, self.sms.timeout_seconds)
        if self.lease_seconds <= slowest:
            raise ValueError("notify lease_seconds must exceed the channels' timeout_seconds")
        return self


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MINWON_", env_nested_delimiter="__", extra="ignore"
    )

    app: AppSection = Field(default_factory=AppSection)
    database: DatabaseSection = Field(default_factory=DatabaseSection)
    rasa: RasaSection = Field(default_factory=RasaSection)
    chat: ChatSection = Field(default_factory=ChatSection)
    pii: PiiSection = Field(default_factory=PiiSection)
    office: OfficeSection = Field(default_factory=OfficeSection)
    knowledge: KnowledgeSection = Field(default_factory=KnowledgeSection)
    widget: WidgetSection = Field(default_factory=WidgetSection)
    kiosk: KioskSection = Field(default_factory=KioskSection)
    retention: RetentionSection = Field(default_factory=RetentionSection)
    handoff: HandoffSection = Field(default_factory=HandoffSection)
    notify: NotifySection = Field(default_factory=NotifySection)

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.app.var_dir / 'minwon.db'}"

    @property
    def pii_key_file(self) -> Path:
        return self.pii.key_file or self.app.var_dir / "keys" / "pii.key"

    @property
    def pii_previous_keys_file(self) -> Path:
        """Keys rotated out of the key file, one a line (var/keys/pii.previous)."""
        return self.pii_key_file.with_suffix(".previous")

    @property
    def knowledge_dir(self) -> Path:
        return self.knowledge.persist_dir or self.app.var_dir / "knowledge"

    @property
    def models_dir(self) -> Path:
        return self.knowledge.models_dir or self.app.var_dir / "models"

    @property
    def rasa_token_file(self) -> Path:
        return self.app.var_dir / "keys" / "rasa-token"

    @property
    def tracker_db_url(self) -> str:
        return self.retention.tracker_db_url or f"sqlite:///{self.app.var_dir / 'rasa-tracker.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
