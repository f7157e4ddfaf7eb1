"""Staff return a submission with comments on some fields; the citizen's next visit asks only
those fields again, then resubmits under the same receipt number."""

from __future__ import annotations

import contextlib

import httpx
import pytest

from server.staff import StaffAccounts, StaffError
from tests.citizen import Citizen
from tests.conversations.flows import fill_until, start
from tests.conversations.helpers import stored, submit
from tests.conversations.phrases import LANGUAGES, PHRASES

PETITION = "resident_registration_copy"
PASSWORD = "review-desk-password-1"


def staff_client(stack) -> tuple[httpx.Client, dict[str, str]]:  # type: ignore[no-untyped-def]
    with contextlib.suppress(StaffError):  # created by an earlier test of the session
        StaffAccounts(stack.db()).create("desk", PASSWORD, "reviewer")
    client = httpx.Client(base_url=stack.url, timeout=60)
    login = client.post("/api/staff/session", json={"username": "desk", "password": PASSWORD})
    assert login.status_code == 200, login.text
    return client, {"X-CSRF-Token": login.json()["csrf_token"]}


@pytest.mark.parametrize("language", LANGUAGES)
def test_return_for_correction(stack, language):
    citizen = Citizen(stack.url, language)
    start(citizen, PETITION, language)
    fill_until(citizen, PETITION, None)
    receipt_no = submit(citizen)

    staff, csrf = staff_client(stack)
    comments = {"phone": "이 번호로 연락이 되지 않습니다.", "copies": "통수를 다시 확인해 주세요."}
    decision = staff.post(
        f"/api/staff/submissions/{receipt_no}/decision",
        json={"decision": "return", "field_comments": comments},
        headers=csrf,
    )
    assert decision.json()["status"] == "returned"

    back = Citizen(stack.url, language, conversation_id=citizen.id)
    back.say(PHRASES[language]["name"])  # whatever they say first, the correction comes first
    assert receipt_no in back.text and comments["phone"] in back.text
    assert back.asking == "phone"
    back.say("010-9090-8080")
    assert back.asking == "copies"
    back.say("1")
    assert back.asking == "confirmation"
    back.press("/affirm")
    assert receipt_no in back.text

    submission, _ = stored(stack, receipt_no)
    assert submission.status == "resubmitted"
    assert submission.fields["phone"] == "+821090908080" and submission.fields["copies"] == 1
    assert submission.fields["applicant_name"] == "홍길동"  # untouched answers kept
    assert submission.field_comments == {}
    queue = staff.get("/api/staff/submissions", params={"status": "resubmitted"}).json()
    assert receipt_no in [row["receipt_no"] for row in queue]
    approved = staff.post(
        f"/api/staff/submissions/{receipt_no}/decision", json={"decision": "approve"}, headers=csrf
    )
    assert approved.json()["status"] == "approved"
