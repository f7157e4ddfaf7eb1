"""Everything the app wires together once, from one Settings object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

from actions.ports import Services
from actions.registry import build_actions
from forms.catalog import Catalog, default_catalog
from server.audit import AuditLog
from server.chat import ChatService
from server.handoff import Handoff, build_handoff
from server.knowledge import KnowledgeService
from server.links import StatusLinks
from server.nlg import MessageCatalog, NaturalLanguage
from server.notify import Notifications, build_notifications
from server.pii import Vault, settings_keyring
from server.rasa_client import RasaClient, RasaGateway
from server.ratelimit import RateLimiter
from server.review import ReviewDesk
from server.services import Petitions
from server.settings import Settings
from server.staff import StaffAccounts
from server.store.db import Database
from server.store.repositories import (
    AttachmentRepository,
    CallbackRepository,
    ConversationRepository,
    SubmissionRepository,
    UnansweredQuestionRepository,
)


def domain_intents(domain_dir: Path) -> frozenset[str]:
    """Intents a button payload may name: those of the Rasa domain."""
    intents: set[str] = set()
    for path in domain_dir.rglob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("intents") or []:
            intents.add(item if isinstance(item, str) else next(iter(item)))
    return frozenset(intents)


@dataclass
class Container:
    settings: Settings
    db: Database
    catalog: Catalog
    vault: Vault
    conversations: ConversationRepository
    submissions: SubmissionRepository
    attachments: AttachmentRepository
    callbacks: CallbackRepository
    links: StatusLinks
    rasa: RasaGateway
    chat: ChatService
    nlg: NaturalLanguage
    executor: ActionExecutor
    per_conversation: RateLimiter
    per_client: RateLimiter
    staff: StaffAccounts
    audit: AuditLog
    review: ReviewDesk
    knowledge: KnowledgeService
    handoff: Handoff
    notifications: Notifications


def build_container(settings: Settings, rasa: RasaGateway | None = None) -> Container:
    db = Database(settings.database_url)
    db.create_schema()
    catalog = default_catalog()
    keys = settings_keyring(settings)
    vault = Vault(db, keys.current, keys.previous, reload=lambda: settings_keyring(settings))
    conversations = ConversationRepository(db)
    submissions = SubmissionRepository(db)
    links = StatusLinks(keys.current, settings.app.public_url, keys.previous)
    token = settings.rasa.token or (
        settings.rasa_token_file.read_text().strip() if settings.rasa_token_file.exists() else ""
    )
    rasa = rasa or RasaClient(settings.rasa.url, token, settings.rasa.timeout_seconds)
    attachments = AttachmentRepository(db)
    executor = ActionExecutor()
    callbacks = CallbackRepository(db)
    messages = MessageCatalog(settings.rasa.project_dir / "messages")
    nlg = NaturalLanguage(messages, catalog, settings.office, vault)
    knowledge = KnowledgeService(settings, nlg.dont_know, UnansweredQuestionRepository(db))
    services = Services(
        catalog, vault, Petitions(submissions, links, callbacks), attachments, knowledge
    )
    for action in build_actions(services):
        executor.register_action(action)
    audit = AuditLog(db)
    handoff = build_handoff(settings.handoff, db, submissions, catalog, vault, attachments, audit)
    submissions.listeners.append(handoff.listener)
    notifications = build_notifications(
        settings.notify, db, catalog, messages, settings.office, links
    )
    submissions.listeners.append(notifications.listener)
    per_conversation = RateLimiter(settings.chat.rate_per_conversation)
    return Container(
        settings=settings,
        db=db,
        catalog=catalog,
        vault=vault,
        conversations=conversations,
        submissions=submissions,
        attachments=attachments,
        callbacks=callbacks,
        links=links,
        rasa=rasa,
        chat=ChatService(
            rasa,
            conversations,
            submissions,
            vault,
            catalog,
            domain_intents(settings.rasa.project_dir / "domain"),
            attachments=attachments,
            allow=per_conversation.allow,
            notices=notifications.chat,
            unit_of_work=db.unit_of_work,
        ),
        nlg=nlg,
        knowledge=knowledge,
        executor=executor,
        per_conversation=per_conversation,
        per_client=RateLimiter(settings.chat.rate_per_client),
        staff=StaffAccounts(db),
        audit=audit,
        review=ReviewDesk(
            submissions, catalog, vault, audit, attachments, deliveries=handoff.deliveries
        ),
        handoff=handoff,
        notifications=notifications,
    )
