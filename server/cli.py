"""``minwon``: the command line for running and administering Minwon."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import typer
import uvicorn

from actions.generate import generated_files
from forms.catalog import default_catalog
from server.nlg import MessageCatalog
from server.settings import ROOT, get_settings

if TYPE_CHECKING:
    from server.pii import Vault

app = typer.Typer(help="Minwon: civil petition assistant.", no_args_is_help=True)
bot = typer.Typer(help="The Rasa project.", no_args_is_help=True)
app.add_typer(bot, name="bot")
staff = typer.Typer(help="Staff accounts of the review desk.", no_args_is_help=True)
app.add_typer(staff, name="staff")
audit = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(audit, name="audit")
knowledge = typer.Typer(help="The procedure documents and their answers.", no_args_is_help=True)
app.add_typer(knowledge, name="knowledge")
pii = typer.Typer(help="Personal identifiers in the vault: key rotation.", no_args_is_help=True)
app.add_typer(pii, name="pii")

BOT_INPUTS = ("bot/config.yml", "bot/domain", "bot/components", "data")


@app.command()
def serve(host: str | None = None, port: int | None = None) -> None:
    """Runs the app (citizen API, Rasa's action server and NLG endpoint)."""
    settings = get_settings()
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=host or settings.app.host,
        port=port or settings.app.port,
        log_level=settings.app.log_level.lower(),
    )


@bot.command("generate")
def generate(
    check: bool = typer.Option(False, help="Only report files that are out of date."),
) -> None:
    """Writes the catalog-driven domain files and rules."""
    messages = MessageCatalog(ROOT / "bot/messages")
    stale = []
    for path, content in generated_files(
        default_catalog(), messages.response_names(), ROOT
    ).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == content:
            continue
        stale.append(path.relative_to(ROOT))
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    verb = "out of date" if check else "written"
    for path in stale:
        typer.echo(f"{verb}: {path}")
    if check and stale:
        raise typer.Exit(1)


def bot_fingerprint(root: Path = ROOT) -> str:
    """Hash of everything a trained model depends on (the model cache key)."""
    digest = hashlib.sha256()
    for entry in BOT_INPUTS:
        base = root / entry
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for path in files:
            if (
                path.is_file()
                and path.suffix in (".yml", ".yaml", ".py")
                and "__pycache__" not in path.parts
            ):
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    digest.update((root / "requirements/rasa.lock").read_bytes())
    return digest.hexdigest()[:20]


@bot.command("fingerprint")
def fingerprint() -> None:
    """Prints the hash of the bot's training inputs."""
    typer.echo(bot_fingerprint())


def _database():  # type: ignore[no-untyped-def]
    from server.store.db import Database

    db = Database(get_settings().database_url)
    db.create_schema()
    return db


@staff.command("create-user")
def create_user(
    name: str,
    role: str = typer.Option("reviewer", help="reviewer or admin"),
) -> None:
    """Creates a staff account; the password comes from MINWON_PASSWORD or a prompt."""
    import os

    from server.staff import StaffAccounts, StaffError

    password = os.environ.get("MINWON_PASSWORD") or typer.prompt(
        "Password (12+ characters)", hide_input=True, confirmation_prompt=True
    )
    try:
        StaffAccounts(_database()).create(name, password, role)
    except StaffError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"created {role} {name}")


@audit.command("verify")
def verify_audit() -> None:
    """Walks the audit trail's hash chain; exits 1 if an entry was edited or deleted."""
    from server.audit import AuditLog

    problems = AuditLog(_database()).verify()
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("audit trail intact")


def _knowledge():  # type: ignore[no-untyped-def]
    from server.knowledge import KnowledgeService
    from server.nlg import dont_know

    settings = get_settings()
    messages = MessageCatalog(settings.rasa.project_dir / "messages")
    return KnowledgeService(
        settings, lambda language: dont_know(messages, settings.office, language)
    )


@knowledge.command("ingest")
def knowledge_ingest() -> None:
    """Embeds new and changed documents into the vector store; removes deleted ones."""
    from knowledge.corpus import DocumentError

    try:
        report = _knowledge().ingest(progress=True)
    except DocumentError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"knowledge: {report.summary()}")
    for key in report.embedded_documents:
        typer.echo(f"  embedded {key}")


@knowledge.command("ask")
def knowledge_ask(
    question: str,
    language: str = typer.Option(None, help="ko, en, zh, vi or th (detected when omitted)"),
    petition: str = typer.Option(None, help="a petition id, to prefer its guide"),
) -> None:
    """Answers a question as the chat would, with sources and how the answer was made."""
    answer = _knowledge().ask(question, language, petition)
    typer.echo(answer.answer)
    for source in answer.sources:
        typer.echo(f"  [{source.id}] {source.title} — {source.url}")
    typer.echo(f"  mode={answer.mode} grounded={answer.grounded} {answer.trace}")


retention = typer.Typer(help="Personal data past its retention period.", no_args_is_help=True)
app.add_typer(retention, name="retention")


@retention.command("purge")
def retention_purge(
    dry_run: bool = typer.Option(False, "--dry-run", help="Only count; change nothing."),
) -> None:
    """Destroys personal data past its retention period (run it daily: cron or a timer)."""
    from datetime import UTC, datetime

    from server.retention import purge

    settings = get_settings()
    report = purge(
        _database(), settings.tracker_db_url, settings.retention, datetime.now(UTC), dry_run
    )
    typer.echo("retention purge" + (" (dry run: nothing changed)" if dry_run else ""))
    for name, count in report.counts().items():
        typer.echo(f"  {name}: {count}")


def _vault() -> Vault:
    from server.pii import Vault, settings_keyring

    keys = settings_keyring(get_settings())
    return Vault(_database(), keys.current, keys.previous)


def _refuse_unknown_keys(vault: Vault) -> None:
    unknown = vault.unknown_keys()
    if unknown:
        typer.echo(
            f"error: values are encrypted with key {', '.join(unknown)}, which is not configured:"
            " list it in MINWON_PII__PREVIOUS_KEYS or the previous-keys file (var/keys/"
            "pii.previous); nothing was changed",
            err=True,
        )
        raise typer.Exit(1)


def _reencrypt(batch_size: int) -> None:
    """Moves values to the current key and says what is left under old keys."""
    vault = _vault()
    _refuse_unknown_keys(vault)
    try:
        moved = vault.reencrypt(batch_size, lambda total: typer.echo(f"  {total} so far"))
    except (LookupError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    usage = vault.key_usage()
    typer.echo(
        f"re-encrypted {moved} values; {usage.get(vault.key_id, 0)} values under the current"
        f" key {vault.key_id}"
    )
    old = {key: count for key, count in usage.items() if key != vault.key_id}
    for key, count in sorted(old.items()):  # written meanwhile by an app on the old key
        typer.echo(f"{count} values still under key {key}: run again once every app has the key")
    if not old and vault.previous_key_ids:
        typer.echo(
            f"no value needs an old key any more: the previous keys"
            f" ({', '.join(vault.previous_key_ids)}) can be removed from"
            f" {get_settings().pii_previous_keys_file} or MINWON_PII__PREVIOUS_KEYS"
        )
        typer.echo("  (status links given out before the rotation stop working then)")
    elif not old:
        typer.echo("no value needs an old key")


@pii.command("rotate-key")
def pii_rotate_key(
    batch_size: int = typer.Option(500, min=1, help="Values re-encrypted per transaction."),
) -> None:
    """New key in the key file, the old one kept in pii.previous, every value re-encrypted."""
    from server.pii import key_id, rotate_key_file

    settings = get_settings()
    if settings.pii.key:
        typer.echo(
            "error: the key comes from MINWON_PII__KEY, so rotate it where that is set: put a"
            " new key in MINWON_PII__KEY (python -c 'import base64, os;"
            " print(base64.b64encode(os.urandom(32)).decode())'), list the old one in"
            " MINWON_PII__PREVIOUS_KEYS, restart the app, then run `minwon pii reencrypt`",
            err=True,
        )
        raise typer.Exit(1)
    key_file, previous_file = settings.pii_key_file, settings.pii_previous_keys_file
    if not key_file.exists():
        typer.echo(f"error: no key file at {key_file}: nothing to rotate", err=True)
        raise typer.Exit(1)
    _refuse_unknown_keys(_vault())
    old, new = rotate_key_file(key_file, previous_file)
    typer.echo(f"new key {key_id(new)} in {key_file}")
    typer.echo(f"old key {key_id(old)} kept in {previous_file}")
    _reencrypt(batch_size)
    typer.echo(
        "restart the app (it also switches by itself at the first value it reads under the new"
        " key), then run `minwon pii reencrypt` for values it wrote with the old key meanwhile"
    )


@pii.command("reencrypt")
def pii_reencrypt(
    batch_size: int = typer.Option(500, min=1, help="Values re-encrypted per transaction."),
) -> None:
    """Moves values under an old key to the current key; safe to run again.

    For a new MINWON_PII__KEY (old one in MINWON_PII__PREVIOUS_KEYS) or an interrupted rotation.
    """
    _reencrypt(batch_size)


handoff = typer.Typer(help="Back-office hand-off of decided submissions.", no_args_is_help=True)
app.add_typer(handoff, name="handoff")


def _handoff():  # type: ignore[no-untyped-def]
    """The hand-off service on the configured database, and its audit trail."""
    from forms.catalog import default_catalog
    from server.audit import AuditLog
    from server.handoff import build_handoff
    from server.pii import Vault, settings_keyring
    from server.store.repositories import AttachmentRepository, SubmissionRepository

    settings = get_settings()
    db = _database()
    keys = settings_keyring(settings)
    audit = AuditLog(db)
    service = build_handoff(
        settings.handoff,
        db,
        SubmissionRepository(db),
        default_catalog(),
        Vault(db, keys.current, keys.previous),
        AttachmentRepository(db),
        audit,
    )
    return service, audit


@handoff.command("run")
def handoff_run() -> None:
    """Sends every due hand-off once (the app also does it every poll_seconds)."""
    service, _ = _handoff()
    if not service.section.targets:
        typer.echo("no hand-off targets configured (MINWON_HANDOFF__TARGETS): nothing to send")
    report = service.worker.run_once()
    typer.echo(f"hand-off: {report}")


@handoff.command("redeliver")
def handoff_redeliver(
    receipt: str,
    target: str = typer.Option(None, "--target", help="Only this target (its name)."),
) -> None:
    """Sends a submission's hand-offs again at the next pass (the receiver dedupes on the
    delivery id, which stays the same)."""
    from datetime import UTC, datetime

    service, audit = _handoff()
    rows = service.deliveries.for_receipt(receipt.strip().upper(), target)
    if not rows:
        typer.echo(
            f"error: no hand-off of {receipt}" + (f" to {target}" if target else ""), err=True
        )
        raise typer.Exit(1)
    now = datetime.now(UTC)
    for row in rows:
        service.deliveries.redeliver(row.receipt_no, row.id, now)
        audit.record(
            "cli", "redeliver", row.receipt_no, target=row.target, event=row.event, delivery=row.id
        )
        typer.echo(f"{row.receipt_no} {row.event} → {row.target}: queued again (was {row.state})")


notify = typer.Typer(help="Citizen notifications by e-mail and SMS.", no_args_is_help=True)
app.add_typer(notify, name="notify")


@notify.command("run")
def notify_run(
    once: bool = typer.Option(False, "--once", help="One pass over due notifications, then exit."),
) -> None:
    """Sends due e-mail/SMS notifications, a pass every poll_seconds until stopped (the app
    does the same in the background; both may run: a row is sent by one of them)."""
    import time
    from datetime import UTC, datetime

    from forms.catalog import default_catalog
    from server.links import StatusLinks
    from server.notify import build_notifications
    from server.pii import settings_keyring

    settings = get_settings()
    keys = settings_keyring(settings)
    notifications = build_notifications(
        settings.notify,
        _database(),
        default_catalog(),
        MessageCatalog(settings.rasa.project_dir / "messages"),
        settings.office,
        StatusLinks(keys.current, settings.app.public_url, keys.previous),
    )
    worker = notifications.worker
    if worker is None:
        typer.echo(
            "no e-mail or SMS channel configured (MINWON_NOTIFY__CHANNELS): chat notices need"
            " no worker",
            err=True,
        )
        raise typer.Exit(1)
    while True:
        report = worker.run_once(datetime.now(UTC))
        if report or once:
            typer.echo(
                f"notifications: sent {report.sent}, retry later {report.retried},"
                f" failed {report.failed}, no longer needed {report.skipped}"
            )
        if once:
            return
        time.sleep(settings.notify.poll_seconds)


if __name__ == "__main__":
    app()
