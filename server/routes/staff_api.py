"""The staff API behind the review desk: session, queue, submission, reveal, document, decision."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from server.deps import STAFF_COOKIE, ContainerDep, StaffDep
from server.review import Decision, DecisionError, parse_day
from server.staff import SESSION_LIFETIME

router = APIRouter(prefix="/api/staff", tags=["staff"])


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Reveal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str = Field(max_length=64)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "reject", "return"]
    reason: str | None = Field(None, max_length=2000)
    field_comments: dict[str, Annotated[str, Field(max_length=1000)]] = Field(
        default_factory=dict, max_length=50
    )


@router.post("/session")
async def login(
    body: Login, request: Request, response: Response, container: ContainerDep
) -> dict[str, str]:
    result = await run_in_threadpool(container.staff.login, body.username, body.password)
    if result is None:
        container.audit.record(body.username, "login_failed")
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Wrong user name or password, or the account is locked for a while.",
        )
    token, identity = result
    container.audit.record(identity.username, "login")
    response.set_cookie(
        STAFF_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=container.settings.app.public_url.startswith("https"),
        path="/",
    )
    return {"username": identity.username, "role": identity.role, "csrf_token": identity.csrf_token}


@router.get("/session")
async def whoami(staff: StaffDep) -> dict[str, str]:
    return {"username": staff.username, "role": staff.role, "csrf_token": staff.csrf_token}


@router.delete("/session", status_code=204)
async def logout(request: Request, staff: StaffDep, container: ContainerDep) -> Response:
    container.staff.logout(request.cookies.get(STAFF_COOKIE, ""))
    response = Response(status_code=204)
    response.delete_cookie(STAFF_COOKIE, path="/")
    return response


@router.get("/todo")
async def todo(staff: StaffDep, container: ContainerDep) -> dict[str, int]:
    return container.review.todo()


@router.get("/submissions")
async def submissions(
    staff: StaffDep,
    container: ContainerDep,
    status_: Annotated[str | None, Query(alias="status", max_length=16)] = None,
    petition: Annotated[str | None, Query(max_length=64)] = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    since: Annotated[str | None, Query(max_length=32, pattern=r"^\d{4}-\d{2}-\d{2}")] = None,
    until: Annotated[str | None, Query(max_length=32, pattern=r"^\d{4}-\d{2}-\d{2}")] = None,
    q: Annotated[str | None, Query(max_length=32)] = None,
) -> list[dict[str, str]]:
    try:
        rows = container.review.queue(
            status=status_,
            petition=petition,
            language=language,
            since=parse_day(since),
            until=parse_day(until),
            receipt=q,
        )
    except ValueError:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "Dates are YYYY-MM-DD."
        ) from None
    return [
        {
            "receipt_no": s.receipt_no,
            "petition": s.petition_id,
            "status": s.status,
            "language": s.language,
            "channel": s.channel,
            "submitted_at": s.submitted_at.isoformat(),
        }
        for s in rows
    ]


def _found(fn, *args):  # type: ignore[no-untyped-def]
    try:
        return fn(*args)
    except LookupError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such submission or field.") from None


@router.get("/submissions/{receipt_no}")
async def submission(
    receipt_no: str, staff: StaffDep, container: ContainerDep
) -> dict[str, object]:
    return _found(container.review.detail, receipt_no, staff)  # type: ignore[no-any-return]


@router.post("/submissions/{receipt_no}/reveal")
async def reveal(
    receipt_no: str, body: Reveal, staff: StaffDep, container: ContainerDep
) -> dict[str, str]:
    return {"value": _found(container.review.reveal, receipt_no, body.field, staff)}


@router.get("/submissions/{receipt_no}/document.html", response_class=HTMLResponse)
async def document_html(receipt_no: str, staff: StaffDep, container: ContainerDep) -> HTMLResponse:
    return HTMLResponse(_found(container.review.document, receipt_no, staff, "html"))


@router.get(
    "/submissions/{receipt_no}/document.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The form as a PDF."}},
)
async def document_pdf(receipt_no: str, staff: StaffDep, container: ContainerDep) -> Response:
    pdf = await run_in_threadpool(_found, container.review.document, receipt_no, staff, "pdf")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{receipt_no}.pdf"'},
    )


@router.get(
    "/submissions/{receipt_no}/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}, "description": "The photo."}},
)
async def attachment(
    receipt_no: str, attachment_id: str, staff: StaffDep, container: ContainerDep
) -> Response:
    """A photo of the submission (404 unless the id is one of this submission's photos)."""
    data, content_type = _found(container.review.attachment, receipt_no, attachment_id)
    return Response(data, media_type=content_type, headers={"Cache-Control": "private, no-store"})


@router.post("/submissions/{receipt_no}/decision")
async def decide(
    receipt_no: str, body: DecisionIn, staff: StaffDep, container: ContainerDep
) -> dict[str, str]:
    try:
        decided = _found(
            container.review.decide,
            receipt_no,
            Decision(body.decision, body.reason, body.field_comments),
            staff,
        )
    except DecisionError as exc:
        raise HTTPException(
            status.HTTP_409_CONFLICT
            if "already" in str(exc)
            else status.HTTP_422_UNPROCESSABLE_CONTENT,
            str(exc),
        ) from None
    return {"receipt_no": decided.receipt_no, "status": decided.status}


@router.post("/submissions/{receipt_no}/deliveries/{delivery_id}/redeliver")
async def redeliver(
    receipt_no: str, delivery_id: int, staff: StaffDep, container: ContainerDep
) -> dict[str, object]:
    """Sends a back-office hand-off again at the worker's next pass (audited)."""
    return _found(container.review.redeliver, receipt_no, delivery_id, staff)  # type: ignore[no-any-return]


@router.get("/callbacks")
async def callbacks(staff: StaffDep, container: ContainerDep) -> list[dict[str, object]]:
    return [
        {
            "id": c.id,
            "phone": c.phone,
            "language": c.language,
            "petition": c.petition_id,
            "created_at": c.created_at.isoformat(),
        }
        for c in container.callbacks.open_requests()
    ]
