"""The senior-friendly touch kiosk at /kiosk: one page (language tiles, service tiles, the
conversation with on-screen number pad and keyboard, the receipt) driven by kiosk.js on the
shared chat core, and the QR code of a receipt's status link for the citizen's phone."""

from __future__ import annotations

import io
import json
from pathlib import Path

import segno
from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.requests import Request

from forms.languages import DEFAULT_LANGUAGE
from server.deps import ContainerDep
from server.routes.pages import submission_by_link
from server.ui import citizen_config

router = APIRouter(tags=["kiosk"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")


def qr_svg(url: str) -> bytes:
    """A QR code of ``url`` as a standalone SVG that scales to any size: dark modules on a
    white quiet zone (phones read it also when the kiosk is in high-contrast mode)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=4, border=4, dark="#000000", light="#ffffff", omitsize=True
    )
    return buffer.getvalue()


@router.get("/kiosk", response_class=HTMLResponse)
async def kiosk_page(request: Request, container: ContainerDep) -> HTMLResponse:
    config = citizen_config(container.catalog, container.nlg.messages, container.settings, "kiosk")
    lang = DEFAULT_LANGUAGE
    return templates.TemplateResponse(
        request,
        "kiosk.html",
        {
            "lang": lang,
            "texts": config["texts"][lang],
            "all_texts": config["texts"],
            "languages": config["languages"],
            "text_px": config["kiosk"]["textPx"],
            "config_json": json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
        },
        headers={"Cache-Control": "no-store"},
    )


@router.get("/kiosk/qr/{receipt_no}.svg")
async def receipt_qr(
    receipt_no: str, container: ContainerDep, token: str = Query("", max_length=64)
) -> Response:
    """The QR code of the receipt's status link; only for the holder of the link's token."""
    submission_by_link(container, receipt_no, token)
    return Response(
        qr_svg(container.links.url(receipt_no)),
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, no-store"},
    )
