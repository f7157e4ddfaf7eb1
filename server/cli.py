"""``minwon``: the command line for running and administering Minwon."""

from __future__ import annotations

import hashlib
from pathlib import Path

import typer
import uvicorn

from actions.generate import generated_files
from forms.catalog import default_catalog
from server.nlg import MessageCatalog
from server.settings import ROOT, get_settings

app = typer.Typer(help="Minwon: civil petition assistant.", no_args_is_help=True)
bot = typer.Typer(help="The Rasa project.", no_args_is_help=True)
app.add_typer(bot, name="bot")
staff = typer.Typer(help="Staff accounts of the review desk.", no_args_is_help=True)
app.add_typer(staff, name="staff")
audit = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(audit, name="audit")
knowledge = typer.Typer(help="The procedure documents and their answers.", no_args_is_help=True)
app.add_typer(knowledge, name="knowledge")

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


if __name__ == "__main__":
    app()
