"""The staff review desk's pages at /staff: sign-in, the desk (to-do counts and the queue) and
one submission. The pages read through the review desk; what changes something (sign-in,
reveal, decision, sign-out) goes through the staff API from ``/static/staff.js``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.requests import Request

from actions.slots import SKIP
from forms.catalog import Catalog
from forms.document import KOREA
from server.deps import STAFF_COOKIE, ContainerDep
from server.documents import submission_html
from server.review import parse_day
from server.staff import LOCKOUT, MAX_FAILURES, StaffIdentity
from server.store.repositories import OPEN_STATUSES

router = APIRouter(tags=["staff pages"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")

# The office's clock (Korean time, as on the official forms): staff read and filter times as
# local days, the store keeps UTC.
OFFICE_TZ = KOREA
NO_STORE = {"Cache-Control": "no-store"}  # the pages hold personal data

STATUS_LABELS = {
    "submitted": "접수",
    "resubmitted": "보완 제출",
    "returned": "보완 요청",
    "approved": "승인",
    "rejected": "반려",
}
LANGUAGE_LABELS = {"ko": "한국어", "en": "영어", "zh": "중국어", "vi": "베트남어", "th": "태국어"}
CHANNEL_LABELS = {"web": "웹", "kiosk": "키오스크"}
ROLE_LABELS = {"reviewer": "검토 담당자", "admin": "관리자"}
ACTION_LABELS = {
    "view": "열람",
    "reveal": "식별번호 보기",
    "document": "신청서(담당자용) 내려받기",
    "approve": "승인",
    "reject": "반려",
    "return": "보완 요청",
    "handoff": "기관 시스템 전달",
    "redeliver": "기관 시스템 다시 보내기",
}
# States of a back-office hand-off (server/handoff.py) on the submission page.
DELIVERY_LABELS = {"pending": "대기", "done": "전달됨", "failed": "실패"}
DONE_NOTICES = {
    "approve": "승인했습니다.",
    "reject": "반려했습니다.",
    "return": "보완을 요청했습니다. 민원인이 대화창에서 고친 뒤 다시 제출합니다.",
    "redeliver": "기관 시스템으로 다시 보내도록 예약했습니다."
    " 잠시 뒤 새로 고쳐 결과를 확인해 주세요.",
}
BUTTON_LABELS = {"affirm": "예 (확인)", "deny": "아니요", "cancel": "취소"}
DATE_ERROR = "날짜는 YYYY-MM-DD 형식(예: 2026-11-21)으로 입력해 주세요."


def office_time(value: datetime | str | float | None) -> str:
    """A stored moment (UTC datetime, ISO text or Unix time) as the office's local time."""
    if value is None or value == "":
        return ""
    if isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, UTC)
    else:
        try:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if moment.tzinfo is None:  # stored naive: UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M")


def camera_time(value: str | None) -> str:
    """A photo's camera time (EXIF: the camera's own clock, no zone) as it is."""
    if not value:
        return "기록 없음"
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return value


templates.env.filters["office_time"] = office_time
templates.env.filters["camera_time"] = camera_time
templates.env.globals.update(
    status_labels=STATUS_LABELS,
    language_labels=LANGUAGE_LABELS,
    channel_labels=CHANNEL_LABELS,
    role_labels=ROLE_LABELS,
    action_labels=ACTION_LABELS,
    delivery_labels=DELIVERY_LABELS,
    open_statuses=OPEN_STATUSES,
)


# --- who is signed in ----------------------------------------------------------------------


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of the desk on this site, else the desk."""
    if (
        value
        and value.startswith("/staff")
        and (len(value) == 6 or value[6] in "/?#")
        and not value.startswith("/staff/login")
        and "\\" not in value
        and "//" not in value
        and all(32 < ord(c) < 127 for c in value)
    ):
        return value
    return "/staff"


def login_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/staff/login?" + urlencode({"next": here})


def signed_in(request: Request, container: ContainerDep) -> StaffIdentity | None:
    token = request.cookies.get(STAFF_COOKIE)
    return container.staff.identity(token) if token else None


def require_staff_page(
    request: Request, staff: Annotated[StaffIdentity | None, Depends(signed_in)]
) -> StaffIdentity:
    """The signed-in staff member; anonymous visitors are sent to the sign-in page (303)."""
    if staff is None:
        raise HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": login_url(request)})
    return staff


StaffPageDep = Annotated[StaffIdentity, Depends(require_staff_page)]


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    staff: StaffIdentity | None,
    status_code: int = 200,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, name, {"staff": staff, **context}, status_code=status_code, headers=NO_STORE
    )


def not_found(request: Request, staff: StaffIdentity, receipt_no: str) -> HTMLResponse:
    return page(
        request,
        "staff/error.html",
        {
            "heading": "민원을 찾을 수 없습니다",
            "message": f"접수번호 {receipt_no}인 민원이 없습니다. 접수번호를 확인해 주세요.",
        },
        staff,
        status.HTTP_404_NOT_FOUND,
    )


# --- the queue's filters -------------------------------------------------------------------


@dataclass
class QueueFilters:
    """The desk's search form as the query string gives it, checked; ``errors`` by field."""

    status: str = ""
    petition: str = ""
    language: str = ""
    since: str = ""
    until: str = ""
    q: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def check(self, catalog: Catalog) -> dict[str, Any]:
        """The arguments of ``ReviewDesk.queue``; fills ``errors`` for what is wrong."""
        if self.status and self.status not in STATUS_LABELS:
            self.errors["status"] = "목록에 있는 처리 상태를 골라 주세요."
        if self.petition and self.petition not in catalog.petitions:
            self.errors["petition"] = "목록에 있는 민원을 골라 주세요."
        if self.language and self.language not in LANGUAGE_LABELS:
            self.errors["language"] = "목록에 있는 언어를 골라 주세요."
        if len(self.q) > 32:
            self.errors["q"] = "접수번호는 32자 이내로 입력해 주세요."
        since, until = self._day("since"), self._day("until")
        if since and until and since > until:
            self.errors["until"] = "종료일은 시작일과 같거나 그 뒤여야 합니다."
        return {
            "status": self.status or None,
            "petition": self.petition or None,
            "language": self.language or None,
            "since": _office_midnight(since) if since else None,
            # The end day is included: up to the next day's midnight.
            "until": _office_midnight(until + timedelta(days=1)) if until else None,
            "receipt": self.q or None,
        }

    def _day(self, name: str) -> date | None:
        return filter_day(getattr(self, name), name, self.errors)

    @property
    def active(self) -> bool:
        return any((self.status, self.petition, self.language, self.since, self.until, self.q))


def filter_day(text: str, name: str, errors: dict[str, str]) -> date | None:
    """A YYYY-MM-DD filter field parsed as the staff API parses it; a bad one is noted in
    ``errors`` under its name."""
    try:
        moment = parse_day(text)
    except ValueError:
        errors[name] = DATE_ERROR
        return None
    return moment.date() if moment else None


def _office_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=OFFICE_TZ).astimezone(UTC)


def queue_filters(
    status_: Annotated[str, Query(alias="status")] = "",
    petition: str = "",
    language: str = "",
    since: str = "",
    until: str = "",
    q: str = "",
) -> QueueFilters:
    return QueueFilters(
        status_.strip(), petition.strip(), language.strip(), since.strip(), until.strip(), q.strip()
    )


# --- pages ---------------------------------------------------------------------------------


@router.get("/staff/login", response_class=HTMLResponse)
def login_page(
    request: Request,
    staff: Annotated[StaffIdentity | None, Depends(signed_in)],
    next_: Annotated[str, Query(alias="next")] = "",
) -> HTMLResponse:
    target = safe_next(next_)
    if staff is not None:
        raise HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": target})
    return page(
        request,
        "staff/login.html",
        {
            "next": target,
            "max_failures": MAX_FAILURES,
            "lockout_minutes": int(LOCKOUT.total_seconds() // 60),
        },
        None,
    )


@router.get("/staff", response_class=HTMLResponse)
def desk_page(
    request: Request,
    staff: StaffPageDep,
    container: ContainerDep,
    filters: Annotated[QueueFilters, Depends(queue_filters)],
) -> HTMLResponse:
    arguments = filters.check(container.catalog)
    rows = [] if filters.errors else container.review.queue(**arguments)
    return page(
        request,
        "staff/desk.html",
        {
            "todo": container.review.todo(),
            "filters": filters,
            "rows": rows,
            "petitions": {pid: p.title("ko") for pid, p in container.catalog.petitions.items()},
        },
        staff,
    )


@router.get("/staff/submissions/{receipt_no}", response_class=HTMLResponse)
def submission_page(
    request: Request,
    receipt_no: str,
    staff: StaffPageDep,
    container: ContainerDep,
    done: str = "",
) -> HTMLResponse:
    try:
        detail = container.review.detail(receipt_no, staff)
    except LookupError:
        return not_found(request, staff, receipt_no)
    labels = {fid: f["label"] for fid, f in detail["fields"].items()}
    return page(
        request,
        "staff/submission.html",
        {
            "d": detail,
            "labels": labels,
            "notice": DONE_NOTICES.get(done),
            "audit": [describe_audit(entry, labels) for entry in detail["audit"]],
            "transcript": [
                describe_line(line, labels, container.catalog) for line in detail["transcript"]
            ],
        },
        staff,
    )


@router.get("/staff/submissions/{receipt_no}/form", response_class=HTMLResponse)
def masked_form(
    request: Request, receipt_no: str, staff: StaffPageDep, container: ContainerDep
) -> HTMLResponse:
    """The filled official form with identifiers masked, for the submission page's iframe.
    Viewing it reveals nothing, so it is not a reveal (the staff copy is the PDF)."""
    try:
        submission = container.review.get(receipt_no)
    except LookupError:
        return not_found(request, staff, receipt_no)
    html = submission_html(submission, container.catalog, container.vault, "citizen")
    return HTMLResponse(html, headers=NO_STORE)


_PAYLOAD = re.compile(r"^/([a-z_]+)(\{.*\})?$", re.S)


def describe_line(line: dict[str, Any], labels: dict[str, str], catalog: Catalog) -> dict[str, Any]:
    """A transcript line as staff read it: a button the citizen pressed (a ``/intent{...}``
    payload) in words, anything typed as it is."""
    text = str(line.get("text", ""))
    out = {
        "who": "citizen" if line.get("who") == "citizen" else "bot",
        "at": line.get("at"),
        "text": text,
        "kind": "text",
        "translation": line.get("translation"),
    }
    match = _PAYLOAD.match(text.strip()) if out["who"] == "citizen" else None
    if match is None:
        return out
    intent = match.group(1)
    try:
        entities = json.loads(match.group(2) or "{}")
    except ValueError:
        return out
    if not isinstance(entities, dict):
        return out
    if intent == "start_conversation":
        language = LANGUAGE_LABELS.get(str(entities.get("language")), "")
        channel = CHANNEL_LABELS.get(str(entities.get("channel")), "")
        details = ", ".join(x for x in (language, channel) if x)
        return {**out, "kind": "system", "text": "대화 시작" + (f" ({details})" if details else "")}
    if intent == "inform":
        said = ", ".join(
            "건너뛰기" if value == SKIP else f"{labels.get(key, key)}: {value}"
            for key, value in entities.items()
        )
    elif intent == "change_field":
        field_id = str(entities.get("field", ""))
        said = f"고칠 항목 선택: {labels.get(field_id, field_id)}"
    elif intent == "switch_language":
        said = f"언어 변경: {LANGUAGE_LABELS.get(str(entities.get('language')), '?')}"
    elif intent.startswith("apply_") and intent[6:] in catalog.petitions:
        said = f"민원 선택: {catalog.petition(intent[6:]).title('ko')}"
    else:
        said = BUTTON_LABELS.get(intent, intent)
    return {**out, "kind": "button", "text": said}


def describe_audit(entry: dict[str, Any], labels: dict[str, str]) -> dict[str, str]:
    """An audit entry in the desk's words: what was done, and to what."""
    detail = entry.get("detail") or {}
    parts = []
    if detail.get("field"):
        parts.append(f"항목: {labels.get(detail['field'], detail['field'])}")
    if detail.get("format"):
        parts.append(f"형식: {str(detail['format']).upper()}")
    if detail.get("reason"):
        parts.append(f"사유: {detail['reason']}")
    if detail.get("fields"):
        parts.append("항목: " + ", ".join(labels.get(f, f) for f in detail["fields"]))
    known = {"field", "format", "reason", "fields"}
    parts += [f"{k}: {v}" for k, v in detail.items() if k not in known and v not in (None, "")]
    return {
        "at": office_time(entry.get("at")),
        "actor": str(entry.get("actor", "")),
        "action": ACTION_LABELS.get(str(entry.get("action")), str(entry.get("action"))),
        "detail": " · ".join(parts),
    }
