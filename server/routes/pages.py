"""Pages citizens open from links the bot gives them."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.requests import Request

from forms.document import korean_time
from server.deps import ContainerDep
from server.documents import submission_html, submission_pdf
from server.notify import status_history
from server.store.repositories import SubmissionView

router = APIRouter(tags=["pages"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")


def submission_by_link(container: ContainerDep, receipt_no: str, token: str) -> SubmissionView:
    submission = (
        container.submissions.get(receipt_no) if container.links.verify(receipt_no, token) else None
    )
    if submission is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, "No petition with this receipt number and link."
        )
    return submission


@router.get("/status/{receipt_no}", response_class=HTMLResponse)
async def status_page(
    request: Request,
    receipt_no: str,
    container: ContainerDep,
    token: str = Query("", max_length=64),
) -> HTMLResponse:
    submission = submission_by_link(container, receipt_no, token)
    lang = submission.language
    history = status_history(
        submission.submitted_at,
        submission.status,
        submission.updated_at,
        container.notifications.repository.history(receipt_no),
    )
    return templates.TemplateResponse(
        request,
        "status.html",
        {
            "lang": lang,
            "s": submission,
            "title": container.catalog.petition(submission.petition_id).title(lang),
            "t": lambda key: container.nlg.messages.phrase(key, lang),
            "document_url": f"/status/{receipt_no}/document?token={token}",
            "submitted_at": f"{korean_time(submission.submitted_at):%Y-%m-%d %H:%M} (KST)",
            "history": [
                (step, korean_time(at).isoformat(), f"{korean_time(at):%Y-%m-%d %H:%M}")
                for step, at in history
            ],
            # The staff's reason for a rejection or a return: the citizen's own page.
            "reason": submission.decision_reason
            if submission.status in ("rejected", "returned")
            else None,
        },
    )


@router.get("/status/{receipt_no}/document", response_class=HTMLResponse)
async def citizen_document(
    receipt_no: str, container: ContainerDep, token: str = Query("", max_length=64)
) -> HTMLResponse:
    submission = submission_by_link(container, receipt_no, token)
    return HTMLResponse(submission_html(submission, container.catalog, container.vault, "citizen"))


@router.get("/status/{receipt_no}/document.pdf")
async def citizen_document_pdf(
    receipt_no: str, container: ContainerDep, token: str = Query("", max_length=64)
) -> Response:
    submission = submission_by_link(container, receipt_no, token)
    pdf = await run_in_threadpool(
        submission_pdf, submission, container.catalog, container.vault, "citizen"
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{receipt_no}.pdf"'},
    )
