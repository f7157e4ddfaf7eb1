"""The app factory: ``create_app(settings)`` wires store, vault, Rasa gateway, NLG and actions."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from server.background import Periodic
from server.container import Container, build_container
from server.rasa_client import RasaClient, RasaGateway, RasaUnavailable
from server.routes import (
    citizen,
    health,
    kiosk,
    knowledge,
    pages,
    rasa_hooks,
    staff_admin,
    staff_api,
    staff_insights,
    staff_pages,
    widget,
)
from server.security import BodyLimit, SecurityHeaders
from server.settings import ROOT, Settings, get_settings

MAX_BODY_BYTES = 64 * 1024


class _PathWithoutQuery(logging.Filter):
    """Access-log lines without query strings: status links carry their token there."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            args[2] = str(args[2]).split("?", 1)[0]
            record.args = tuple(args)
        return True


MAX_UPLOAD_BYTES = 11 * 1024 * 1024


def _body_limit(path: str) -> int:
    if path.endswith("/attachments"):
        return MAX_UPLOAD_BYTES
    if path in ("/webhook", "/nlg"):
        return 16 * 1024 * 1024  # Rasa sends whole trackers
    return MAX_BODY_BYTES


def _warm_up(container: Container) -> None:
    try:
        container.knowledge.warm_up()
    except Exception:  # questions will say the knowledge base is unavailable; the chat goes on
        logging.getLogger(__name__).exception("loading the knowledge base failed")
    # The models and indexes just loaded live as long as the process: out of the garbage
    # collector's sight, a full collection no longer walks their ≈ 250,000 objects (≈ 170 ms on
    # this machine, a pause every request in flight would wait out).
    gc.collect()
    gc.freeze()


def _start_handoff(container: Container) -> Periodic | None:
    """The back-office hand-off worker, every poll_seconds (only when targets are set)."""
    section, worker = container.settings.handoff, container.handoff.worker
    if not section.targets:
        return None
    worker.stopping.clear()
    task = Periodic("handoff", worker.run_once, section.poll_seconds, worker.stopping.set)
    task.start()
    return task


def _start_notify(container: Container) -> Periodic | None:
    """The e-mail/SMS notification worker, every poll_seconds (only when such a channel is on;
    chat notices need no worker)."""
    worker = container.notifications.worker
    if worker is None:
        return None
    task = Periodic(
        "notify",
        lambda: worker.run_once(datetime.now(UTC)),
        container.settings.notify.poll_seconds,
    )
    task.start()
    return task


def create_app(settings: Settings | None = None, *, rasa: RasaGateway | None = None) -> FastAPI:
    settings = settings or get_settings()
    logging.basicConfig(
        level=settings.app.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    # httpx logs every request URL, and Rasa's HTTP API takes its token in the query string.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").addFilter(_PathWithoutQuery())
    container = build_container(settings, rasa)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.knowledge.warm_up:
            threading.Thread(target=_warm_up, args=(container,), daemon=True).start()
        handoff = _start_handoff(container)
        notify = _start_notify(container)
        yield
        if handoff is not None:
            await handoff.stop()
        if notify is not None:
            await notify.stop()
        if isinstance(container.rasa, RasaClient):
            await container.rasa.close()

    app = FastAPI(title="Minwon", version="0.1.0", lifespan=lifespan)
    app.state.container = container

    @app.exception_handler(RasaUnavailable)
    async def rasa_unavailable(_: Request, exc: RasaUnavailable) -> JSONResponse:
        logging.getLogger("minwon").warning("%s", exc)
        return JSONResponse(
            {"detail": "The assistant is restarting. Please send your message again in a moment."},
            status_code=503,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Never echo the input back: it may hold personal data.
        errors = [
            {"loc": e.get("loc"), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    app.include_router(health.router)
    app.include_router(citizen.router)
    app.include_router(knowledge.router)
    app.include_router(rasa_hooks.router)
    app.include_router(pages.router)
    app.include_router(staff_api.router)
    app.include_router(staff_admin.router)
    app.include_router(widget.router)
    app.include_router(kiosk.router)
    app.include_router(staff_pages.router)
    app.include_router(staff_insights.router)
    app.mount("/static", StaticFiles(directory=ROOT / "server" / "static"), name="static")
    app.add_middleware(BodyLimit, limits=_body_limit)
    app.add_middleware(SecurityHeaders, settings=settings)
    return app


def container_of(app: FastAPI) -> Container:
    return app.state.container  # type: ignore[no-any-return]
