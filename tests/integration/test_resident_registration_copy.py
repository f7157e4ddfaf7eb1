"""Full conversations with the real trained bot and the real app (issue: walking skeleton)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from server.pii import Vault, load_key
from server.store.db import Database
from server.store.repositories import SubmissionRepository
from tests.citizen import Citizen
from tests.stack import Stack

pytestmark = pytest.mark.rasa

RRN = "850505-2123456"  # date, sex digit and check digit valid


def stored(stack: Stack, receipt_no: str):
    db = Database(stack.settings.database_url)
    submission = SubmissionRepository(db).get(receipt_no)
    vault = Vault(db, load_key(stack.settings.pii.key, stack.settings.pii_key_file))
    return submission, vault


def assert_no_plain_rrn_in_rasa(stack: Stack, conversation_id: str) -> None:
    events = str(stack.tracker_events(conversation_id))
    assert RRN not in events and RRN.replace("-", "") not in events


def test_korean_citizen_gets_a_receipt(stack: Stack):
    citizen = Citizen(stack.url, "ko")
    assert "민원 도우미" in citizen.text
    assert any("등본" in b["title"] for b in citizen.messages[-1]["buttons"])

    citizen.say("주민등록등본 좀 떼고 싶은데요")
    assert citizen.state["active_form"] == "resident_registration_copy"
    assert citizen.asking == "applicant_name"
    assert "400원" in citizen.text  # the intro gives the counter fee from the catalog

    citizen.say("김하늘")
    assert citizen.asking == "applicant_rrn"
    citizen.say("851305-2123456")  # month 13
    assert citizen.asking == "applicant_rrn"
    assert "생년월일" in citizen.text
    citizen.say(f"제 주민번호는 {RRN} 입니다")
    assert citizen.asking == "address"
    assert citizen.state["filled"]["applicant_rrn"] == "850505-2******"

    citizen.say("서울특별시 종로구 세종대로 209, 101동 1203호")
    assert citizen.asking == "phone"
    citizen.say("010-4821-7730")
    assert citizen.asking == "copy_type"
    citizen.press("/inform" + '{"copy_type": "등본"}')
    assert citizen.asking == "copies"
    citizen.say("두 통이요")
    assert citizen.asking == "purpose"
    citizen.press("은행 제출용")
    assert citizen.asking == "confirmation"
    assert "850505-2******" in citizen.text and RRN not in citizen.text
    assert "010-4821-7730" in citizen.text

    citizen.press("제출하기")
    receipt_no = citizen.state["receipt_no"]
    assert receipt_no and receipt_no in citizen.text
    assert citizen.state["active_form"] is None
    attachment = next(m["attachment"] for m in citizen.messages if m.get("attachment"))
    assert attachment["receipt_no"] == receipt_no

    submission, vault = stored(stack, receipt_no)
    assert submission.petition_id == "resident_registration_copy"
    assert submission.language == "ko" and submission.status == "submitted"
    fields = submission.fields
    assert fields["applicant_name"] == "김하늘"
    assert fields["applicant_rrn"].startswith("pii_rrn_")
    assert vault.reveal(fields["applicant_rrn"]) == RRN
    assert fields["address"] == "서울특별시 종로구 세종대로 209, 101동 1203호"
    assert fields["phone"] == "+821048217730"
    assert fields["copy_type"] == "등본" and fields["copies"] == 2
    assert fields["purpose"] == "은행 제출용"
    assert RRN not in str(submission.transcript)
    assert_no_plain_rrn_in_rasa(stack, citizen.id)

    status_url = urlparse(attachment["status_url"])
    token = parse_qs(status_url.query)["token"][0]
    status = httpx.get(f"{stack.url}/api/petitions/{receipt_no}", params={"token": token}).json()
    assert status["status"] == "submitted" and status["title"] == "주민등록표 등본·초본 발급"

    page = httpx.get(attachment["status_url"])
    assert page.status_code == 200 and receipt_no in page.text and "접수됨" in page.text
    document = httpx.get(f"{stack.url}/status/{receipt_no}/document", params={"token": token})
    assert "주민등록표 열람 또는 등·초본 교부 신청서" in document.text
    assert "850505-2******" in document.text and RRN not in document.text
    assert httpx.get(attachment["status_url"].replace(token, "0" * 32)).status_code == 404

    for log in ("app.log", "rasa.log"):
        written = (stack.var / log).read_text()
        assert RRN not in written and RRN.replace("-", "") not in written
        assert stack.rasa_token not in written
        assert token not in written  # the status link's token


def test_english_citizen_asks_a_question_and_fixes_an_answer(stack: Stack):
    citizen = Citizen(stack.url, "en")
    citizen.say("hi, I need a copy of my resident registration please")
    assert citizen.asking == "applicant_name"
    citizen.say("Maria Garcia")
    citizen.say(RRN.replace("-", ""))
    assert citizen.asking == "address"

    citizen.say("how much does it cost at the kiosk?")
    assert citizen.asking == "address"  # the question is answered, then the same field again
    assert "200 won" in citizen.text
    asks = [m for m in citizen.messages if "registered address" in m["text"]]
    assert len(asks) == 1

    citizen.say("서울특별시 강남구 테헤란로 152, 12층")
    citizen.say("my number is 010 3349 2871")
    citizen.press("Abstract (초본)")
    citizen.say("just one")
    citizen.say("for my employer")
    assert citizen.asking == "confirmation"

    citizen.press("Change Mobile phone")
    assert citizen.asking == "phone"
    citizen.say("010-7712-0046")
    assert citizen.asking == "confirmation"
    assert "010-7712-0046" in citizen.text

    citizen.press("Submit")
    receipt_no = citizen.state["receipt_no"]
    submission, vault = stored(stack, receipt_no)
    assert submission.language == "en"
    assert submission.fields["phone"] == "+821077120046"
    assert submission.fields["copy_type"] == "초본" and submission.fields["copies"] == 1
    assert submission.fields["purpose"] == "for my employer"
    assert vault.reveal(submission.fields["applicant_rrn"]) == RRN
    assert_no_plain_rrn_in_rasa(stack, citizen.id)
