"""The staff review desk's pages (/staff): sign-in redirects, the desk and its filters, one
submission (masked identifiers, the masked official form, photos, transcript, audit trail)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from forms.catalog import default_catalog
from server.app import container_of
from server.routes.staff_pages import OFFICE_TZ, describe_line, safe_next
from tests.fixtures.photos import camera_jpeg
from tests.fixtures.submissions import examples, file_submission

PASSWORD = "correct horse battery staple"
RRN = "900101-1234568"


def file_petition(container, conversation_id: str, petition_id: str, language: str, **fields):  # type: ignore[no-untyped-def]
    return file_submission(
        container,
        petition_id,
        conversation_id,
        language=language,
        fields=examples(petition_id, **fields),
        transcript=[
            {"who": "bot", "text": "주민등록번호를 알려 주세요.", "at": 1_795_000_000.0},
            {"who": "citizen", "text": f"my number is {fields.get('applicant_rrn', '')}"},
        ],
    )


@pytest.fixture
def desk(client: TestClient) -> dict[str, Any]:
    container = container_of(client.app)
    container.staff.create("reviewer1", PASSWORD, "reviewer")
    token = container.vault.tokenize("c-rrc", "rrn", RRN)
    copy = file_petition(
        container, "c-rrc", "resident_registration_copy", "en", applicant_rrn=token
    )
    container.conversations.create("c-park", "ko", "kiosk")
    now = datetime(2026, 11, 21, 14, 0)
    photos = [
        container.attachments.add("c-park", "image/jpeg", camera_jpeg(now), now),
        container.attachments.add(
            "c-park", "image/jpeg", camera_jpeg(now + timedelta(minutes=2)), None
        ),
    ]
    # Another attachment of the same conversation that is not in the submission, and one of
    # another conversation: neither is the submission's photo.
    stray = container.attachments.add("c-park", "image/jpeg", camera_jpeg(now), now)
    foreign = container.attachments.add("c-rrc", "image/jpeg", camera_jpeg(now), now)
    parking = file_submission(
        container,
        "illegal_parking_report",
        "c-park",
        channel="kiosk",
        fields=examples("illegal_parking_report", photos=photos),
    )
    return {
        "container": container,
        "copy": copy,
        "parking": parking,
        "photos": photos,
        "stray": stray,
        "foreign": foreign,
    }


def sign_in(client: TestClient) -> dict[str, str]:
    response = client.post(
        "/api/staff/session", json={"username": "reviewer1", "password": PASSWORD}
    )
    assert response.status_code == 200
    return {"X-CSRF-Token": response.json()["csrf_token"]}


def assert_no_inline_script(html: str) -> None:
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"


# --- signing in ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, desk):
    for path, next_ in [
        ("/staff", "%2Fstaff"),
        ("/staff?status=submitted", "%2Fstaff%3Fstatus%3Dsubmitted"),
        (f"/staff/submissions/{desk['copy']}", f"%2Fstaff%2Fsubmissions%2F{desk['copy']}"),
        (f"/staff/submissions/{desk['copy']}/form", None),
    ]:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        location = response.headers["location"]
        assert location.startswith("/staff/login?next="), location
        if next_:
            assert location == f"/staff/login?next={next_}"
        assert RRN not in response.text


def test_the_sign_in_page(client):
    response = client.get("/staff/login", params={"next": "/staff/submissions/MW-1"})
    assert response.status_code == 200
    html = response.text
    assert '<html lang="ko">' in html
    assert '<label for="username">' in html and '<label for="password">' in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert 'role="alert"' in html and 'data-next="/staff/submissions/MW-1"' in html
    assert 'name="csrf-token"' not in html
    assert "no-store" in response.headers["cache-control"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert_no_inline_script(html)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/staff", "/staff"),
        ("/staff/submissions/MW-1?done=approve", "/staff/submissions/MW-1?done=approve"),
        ("/staff?status=submitted", "/staff?status=submitted"),
        ("https://evil.example/staff", "/staff"),
        ("//evil.example/staff", "/staff"),
        ("/staff//evil.example", "/staff"),
        ("/staffing", "/staff"),
        ("/staff\\..\\x", "/staff"),
        ("/staff/login", "/staff"),
        ("/api/staff/session", "/staff"),
        ("", "/staff"),
        (None, "/staff"),
    ],
)
def test_only_desk_paths_are_followed_after_sign_in(given, expected):
    assert safe_next(given) == expected


def test_sign_in_page_leaves_foreign_next_out(client):
    html = client.get("/staff/login", params={"next": "https://evil.example/"}).text
    assert 'data-next="/staff"' in html


def test_signed_in_staff_skip_the_sign_in_page(client, desk):
    sign_in(client)
    response = client.get(
        "/staff/login", params={"next": "/staff?status=returned"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/staff?status=returned"


# --- the desk ------------------------------------------------------------------------------


def test_desk_shows_counts_and_the_queue_in_korean(client, desk):
    csrf = sign_in(client)
    response = client.get("/staff")
    assert response.status_code == 200
    html = response.text
    assert f'<meta name="csrf-token" content="{csrf["X-CSRF-Token"]}">' in html
    assert html.count("<h1") == 1 and "내 업무" in html
    assert re.search(r"접수.*?2<span class=\"unit\">건", html, re.S)  # two submitted
    assert desk["copy"] in html and desk["parking"] in html
    assert f'href="/staff/submissions/{desk["copy"]}"' in html
    assert "주민등록표 등본·초본 발급" in html and "불법 주정차 신고" in html
    assert "영어" in html and "키오스크" in html
    assert "<caption" in html and '<th scope="col">' in html and '<th scope="row">' in html
    assert 'id="sign-out"' in html and "no-store" in response.headers["cache-control"]
    assert RRN not in html
    assert_no_inline_script(html)


def rows(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/staff/submissions/([^"]+)"', html)


def test_desk_filters(client, desk):
    sign_in(client)
    copy, parking = desk["copy"], desk["parking"]
    today = datetime.now(OFFICE_TZ).date()
    assert rows(client.get("/staff").text) == [parking, copy]  # newest first
    by_petition = client.get("/staff", params={"petition": "illegal_parking_report"}).text
    assert rows(by_petition) == [parking]
    assert 'value="illegal_parking_report" selected' in by_petition
    assert rows(client.get("/staff", params={"language": "en"}).text) == [copy]
    assert rows(client.get("/staff", params={"q": copy[-4:].lower()}).text) == [copy]
    assert rows(client.get("/staff", params={"status": "submitted"}).text) == [parking, copy]
    approved = client.get("/staff", params={"status": "approved"}).text
    assert rows(approved) == [] and "조건에 맞는 민원이 없습니다" in approved
    day = {"since": today.isoformat(), "until": today.isoformat()}
    assert rows(client.get("/staff", params=day).text) == [parking, copy]  # the end day counts
    yesterday = (today - timedelta(days=1)).isoformat()
    assert rows(client.get("/staff", params={"until": yesterday}).text) == []
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert rows(client.get("/staff", params={"since": tomorrow}).text) == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"since": "2026-13-45"}, "since", "YYYY-MM-DD"),
        ({"until": "yesterday"}, "until", "YYYY-MM-DD"),
        ({"since": "2026-11-21", "until": "2026-11-01"}, "until", "종료일"),
        ({"status": "lost"}, "status", "처리 상태"),
        ({"petition": "nope"}, "petition", "민원"),
        ({"q": "X" * 40}, "q", "32자"),
    ],
)
def test_bad_filters_show_an_error_not_a_500(client, desk, params, field, message):
    sign_in(client)
    response = client.get("/staff", params=params)
    assert response.status_code == 200
    html = response.text
    assert 'class="error-summary" role="alert"' in html and message in html
    assert f'id="error-{field}"' in html
    control = re.search(rf'<(?:input|select) id="f-{field}"[^>]*>', html)
    assert control and 'aria-invalid="true"' in control.group(0)
    assert f"error-{field}" in control.group(0)  # aria-describedby
    assert rows(html) == []


# --- one submission ------------------------------------------------------------------------


def test_submission_page_masks_identifiers_and_records_the_view(client, desk):
    sign_in(client)
    receipt = desk["copy"]
    response = client.get(f"/staff/submissions/{receipt}")
    assert response.status_code == 200
    html = response.text
    assert html.count("<h1") == 1 and "주민등록표 등본·초본 발급" in html and receipt in html
    assert RRN not in html and "900101-1******" in html
    assert 'data-reveal="applicant_rrn"' in html and 'aria-live="polite"' in html
    assert f'src="/staff/submissions/{receipt}/form"' in html and "<iframe" in html
    assert re.search(r"<iframe[^>]*title=\"[^\"]+\"", html)
    assert f'href="/api/staff/submissions/{receipt}/document.pdf"' in html
    assert "PDF 내려받기" in html
    assert "my number is 900101-1******" in html and "민원인" in html and "도우미" in html
    assert "처리 이력" in html and "열람" in html and "reviewer1" in html
    for decision in ("approve", "reject", "return"):
        assert f'data-decision="{decision}"' in html
    assert 'id="reject-reason"' in html and 'id="comment-phone"' in html
    assert "영어" in html and "웹" in html and "접수" in html
    assert "no-store" in response.headers["cache-control"]
    assert_no_inline_script(html)


def test_a_reveal_shows_in_the_audit_trail(client, desk):
    csrf = sign_in(client)
    receipt = desk["copy"]
    revealed = client.post(
        f"/api/staff/submissions/{receipt}/reveal", json={"field": "applicant_rrn"}, headers=csrf
    )
    assert revealed.json() == {"value": RRN}
    html = client.get(f"/staff/submissions/{receipt}").text
    assert "식별번호 보기" in html and "항목: 신청인 주민등록번호" in html
    assert RRN not in html  # the page itself stays masked


def test_field_warnings_are_shown(client, desk, monkeypatch):
    sign_in(client)
    review = desk["container"].review
    real_detail = review.detail

    def with_warning(receipt_no, staff):  # type: ignore[no-untyped-def]
        detail = real_detail(receipt_no, staff)
        detail["fields"]["applicant_rrn"]["warnings"] = ["검증 숫자가 맞지 않습니다."]
        return detail

    monkeypatch.setattr(review, "detail", with_warning)
    html = client.get(f"/staff/submissions/{desk['copy']}").text
    assert "검증 숫자가 맞지 않습니다." in html and 'class="tag warn">주의' in html


def test_decided_submissions_offer_no_decision(client, desk):
    csrf = sign_in(client)
    receipt = desk["copy"]
    decided = client.post(
        f"/api/staff/submissions/{receipt}/decision",
        json={"decision": "reject", "reason": "본인 확인이 되지 않습니다."},
        headers=csrf,
    )
    assert decided.status_code == 200
    html = client.get(f"/staff/submissions/{receipt}", params={"done": "reject"}).text
    assert "data-decision=" not in html
    assert "반려했습니다." in html and "본인 확인이 되지 않습니다." in html
    assert "status-rejected" in html


def test_unknown_receipt_is_a_404_page(client, desk):
    sign_in(client)
    for path in ("/staff/submissions/MW-NOPE", "/staff/submissions/MW-NOPE/form"):
        response = client.get(path)
        assert response.status_code == 404
        assert "text/html" in response.headers["content-type"]
        assert "민원을 찾을 수 없습니다" in response.text and 'lang="ko"' in response.text


def test_the_official_form_is_masked_and_not_a_reveal(client, desk):
    sign_in(client)
    receipt = desk["copy"]
    response = client.get(f"/staff/submissions/{receipt}/form")
    assert response.status_code == 200
    html = response.text
    assert receipt in html and "900101-1******" in html and RRN not in html
    assert "신청인 보관용" in html
    # Framed by the desk's own page only.
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "no-store" in response.headers["cache-control"]
    trail = client.get(f"/api/staff/submissions/{receipt}").json()["audit"]
    assert [e["action"] for e in trail] == ["view"]


@pytest.mark.parametrize(
    ("text", "kind", "shown"),
    [
        (
            '/start_conversation{"language": "vi", "channel": "kiosk"}',
            "system",
            "대화 시작 (베트남어, 키오스크)",
        ),
        ('/inform{"copy_type": "등본"}', "button", "신청 구분: 등본"),
        ('/inform{"purpose": "__skip__"}', "button", "건너뛰기"),
        ('/change_field{"field": "phone"}', "button", "고칠 항목 선택: 전화번호"),
        ('/switch_language{"language": "th"}', "button", "언어 변경: 태국어"),
        ("/apply_resident_registration_copy", "button", "민원 선택: 주민등록표 등본·초본 발급"),
        ("/affirm", "button", "예 (확인)"),
        ("/unknown_thing", "button", "unknown_thing"),
        ("/inform{not json", "text", "/inform{not json"),
        ("등본 떼고 싶어요", "text", "등본 떼고 싶어요"),
    ],
)
def test_transcript_buttons_in_words(text, kind, shown):
    labels = {"copy_type": "신청 구분", "phone": "전화번호"}
    line = describe_line({"who": "citizen", "text": text}, labels, default_catalog())
    assert (line["kind"], line["text"]) == (kind, shown)
    bot = describe_line({"who": "bot", "text": "/affirm"}, labels, default_catalog())
    assert bot["kind"] == "text"


# --- photos --------------------------------------------------------------------------------


def test_photos_are_listed_and_served_only_for_their_submission(client, desk):
    sign_in(client)
    parking, photos = desk["parking"], desk["photos"]
    detail = client.get(f"/api/staff/submissions/{parking}").json()
    assert [a["id"] for a in detail["attachments"]] == photos
    assert detail["attachments"][0] == {
        "id": photos[0],
        "field": "photos",
        "content_type": "image/jpeg",
        "taken_at": "2026-11-21T14:00:00",
    }
    assert detail["attachments"][1]["taken_at"] is None

    url = f"/api/staff/submissions/{parking}/attachments"
    image = client.get(f"{url}/{photos[0]}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.content.startswith(b"\xff\xd8") and "no-store" in image.headers["cache-control"]
    for other in (desk["stray"], desk["foreign"], "nope"):
        assert client.get(f"{url}/{other}").status_code == 404, other
    copy_url = f"/api/staff/submissions/{desk['copy']}/attachments/{desk['foreign']}"
    assert client.get(copy_url).status_code == 404  # the copy petition has no photos field
    assert client.get(f"/api/staff/submissions/MW-NOPE/attachments/{photos[0]}").status_code == 404

    html = client.get(f"/staff/submissions/{parking}").text
    assert 'alt="사진 1 (촬영 시각 2026-11-21 14:00:00)"' in html
    assert 'alt="사진 2 (촬영 시각 기록 없음)"' in html
    assert f'href="{url}/{photos[0]}"' in html
    assert "사진 2장" in html and "키오스크" in html


def test_the_photo_route_refuses_anonymous_access(client, desk):
    url = f"/api/staff/submissions/{desk['parking']}/attachments/{desk['photos'][0]}"
    assert client.get(url).status_code == 401


def test_static_files_are_served(client):
    assert client.get("/static/staff.js").status_code == 200
    assert client.get("/static/staff.css").status_code == 200
