"""The citizen web widget: the loader city pages embed with one script tag, and the chat panel
it opens (an iframe on the app's origin, so the chat API needs no CORS and the city page's
styles cannot reach it). ``/`` shows the embedding on a page of the app's own."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.requests import Request

from forms.languages import normalise_language
from server.deps import ContainerDep
from server.settings import ROOT
from server.ui import citizen_config, ui_texts

router = APIRouter(tags=["widget"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")


@lru_cache(maxsize=1)
def _loader_source() -> str:
    """Read once: every page view of every city page that embeds the widget asks for it."""
    return (ROOT / "server" / "templates" / "widget-loader.js").read_text(encoding="utf-8")


@router.get("/widget.js")
async def loader(container: ContainerDep) -> Response:
    """The loader with its button labels in every language; cached briefly so that city
    pages pick up a new version within minutes."""
    texts = ui_texts(container.nlg.messages, container.settings)
    labels = {
        lang: {"open": t["ui_open_chat"], "title": t["ui_chat_title"]} for lang, t in texts.items()
    }
    return Response(
        _loader_source().replace("__MINWON_LABELS__", json.dumps(labels, ensure_ascii=False)),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/widget", response_class=HTMLResponse)
async def panel(
    request: Request, container: ContainerDep, lang: str = Query("ko", max_length=16)
) -> HTMLResponse:
    language = normalise_language(lang)
    config = citizen_config(container.catalog, container.nlg.messages, container.settings, "web")
    return templates.TemplateResponse(
        request,
        "widget.html",
        {
            "lang": language,
            "texts": config["texts"][language],
            "config_json": json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
            "languages": config["languages"],
        },
    )


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, container: ContainerDep) -> HTMLResponse:
    """The app's own front page: what runs here, with the widget embedded as a city page
    would embed it."""
    return templates.TemplateResponse(
        request, "home.html", {"office": container.settings.office.name.get("ko", "")}
    )
