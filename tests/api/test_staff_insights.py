"""/staff/insights and its CSV downloads (issue #9): staff only, Korean, charts with their
tables, no personal data anywhere; questions the knowledge base could not answer are recorded
guarded (from the knowledge API and from the Rasa question action)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select, update

from actions.questions import AnswerQuestion
from server.app import container_of
from server.insights import office_day
from server.store.models import Conversation, Submission, UnansweredQuestion, utcnow
from tests.fixtures.submissions import examples, file_submission

PASSWORD = "correct horse battery staple"
RRN = "900101-1234568"
NAME = "한가람시민"
PHONE = "010-9876-5432"
E164 = "+821098765432"
EMAIL = "hangaram.private@example.com"
DONT_KNOW = "낚시 허가증 발급 방법 알려 주세요"  # no guide covers it
KINDS = (
    "volume",
    "by_petition",
    "by_language",
    "by_channel",
    "by_status",
    "detail",
    "processing",
    "overdue",
    "dropoff",
    "unanswered_languages",
    "unanswered",
)


@pytest.fixture(scope="module")
def knowledge_dir(tmp_path_factory):  # type: ignore[no-untyped-def]
    return tmp_path_factory.mktemp("knowledge")


@pytest.fixture
def settings(settings, knowledge_dir):  # type: ignore[no-untyped-def]
    """One knowledge store for the module: the documents are ingested once."""
    settings.knowledge.persist_dir = knowledge_dir
    return settings


def file_petition(container: Any, key: str, petition_id: str, **fields: Any) -> str:
    return file_submission(
        container,
        petition_id,
        key,
        channel="kiosk",
        fields=examples(petition_id, **fields),
        transcript=[{"who": "citizen", "text": f"{NAME} {PHONE} {EMAIL}"}],
    )


@pytest.fixture
def seeded(client: TestClient) -> dict[str, Any]:
    """Two petitions carrying a planted name, phone and e-mail: one approved, one open for 20
    days (past any legal period); a form given up at the phone field; an unanswered question."""
    container = container_of(client.app)
    general = file_petition(
        container,
        "c-general",
        "general_petition",
        applicant_name=NAME,
        phone=E164,
        email=EMAIL,
        title=f"{NAME} 연락처 {PHONE}",
    )
    container.submissions.decide(general, "approve", None, {}, "reviewer0")
    token = container.vault.tokenize("c-copy", "rrn", RRN)
    copy = file_petition(
        container,
        "c-copy",
        "resident_registration_copy",
        applicant_name=NAME,
        applicant_rrn=token,
        phone=E164,
    )
    old = utcnow() - timedelta(days=20)
    with container.db.session() as session:
        session.execute(
            update(Submission).where(Submission.receipt_no == copy).values(submitted_at=old)
        )
    container.conversations.create("c-quit", "ko", "web")
    container.conversations.record_position("c-quit", "ko", "general_petition_form", "phone")
    with container.db.session() as session:  # last heard from an hour ago
        session.execute(
            update(Conversation)
            .where(Conversation.id == "c-quit")
            .values(updated_at=utcnow() - timedelta(hours=1))
        )
    reply = client.post(
        "/api/knowledge/ask", json={"question": f"{DONT_KNOW} {RRN} {PHONE}", "language": "ko"}
    )
    assert reply.json()["mode"] == "dont_know"
    container.staff.create("reviewer1", PASSWORD, "reviewer")
    return {"general": general, "copy": copy, "container": container}


def sign_in(client: TestClient) -> None:
    response = client.post(
        "/api/staff/session", json={"username": "reviewer1", "password": PASSWORD}
    )
    assert response.status_code == 200


def rows_of(response: Any) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    for path in ("/staff/insights", "/staff/insights.csv?kind=overdue"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/staff/login?next=%2Fstaff%2Finsights")


def test_the_page_shows_charts_with_tables_for_staff(client: TestClient, seeded) -> None:
    sign_in(client)
    response = client.get("/staff/insights")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    html = response.text
    assert '<a href="/staff/insights" aria-current="page">민원 통계</a>' in html
    for heading in ("접수 현황", "처리 기간", "처리기간이 지난 민원", "작성을 멈춘 곳"):
        assert heading in html
    # Scripts: the vendored Chart.js and the page's own file; the numbers as JSON, never code.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert '<script src="/static/vendor/chart.js/chart.umd.min.js" defer>' in html
    charts = re.search(r'id="insight-charts">(.*?)</script>', html, re.S)
    assert charts is not None
    ids = re.findall(r'"id": ?"(chart-[a-z_0-9-]+)"', charts.group(1))
    assert {"chart-volume", "chart-by_petition", "chart-processing", "chart-dropoff-0"} <= set(ids)
    for chart_id in ids:  # each chart: a canvas with a text alternative and a table under it
        assert re.search(rf'<canvas id="{chart_id}" role="img" aria-label="[^"]+ 막대 그래프', html)
    assert html.count("<table") >= len(ids)
    # The overdue list links the 20-day-old copy request; the given-up form shows its field.
    assert f'<a href="/staff/submissions/{seeded["copy"]}">' in html
    assert "전화번호" in html  # where the given-up form stopped
    assert "낚시 허가증 발급 방법" in html
    assert client.get("/static/vendor/chart.js/chart.umd.min.js").status_code == 200
    assert client.get("/static/insights.js").status_code == 200


def test_csv_downloads_have_korean_headers_and_the_seeded_rows(client, seeded) -> None:
    sign_in(client)
    today = office_day(utcnow()).isoformat()
    response = client.get("/staff/insights.csv?kind=by_petition")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="minwon-by_petition-'
    )
    # The copy request was made 20 days ago: still in the default 30 days.
    assert rows_of(response) == [
        ["민원 종류", "건수", "비율(%)"],
        ["일반 민원·건의 신청", "1", "50"],
        ["주민등록표 등본·초본 발급", "1", "50"],
    ]
    overdue = rows_of(client.get("/staff/insights.csv?kind=overdue"))
    assert overdue[0] == [
        "접수번호",
        "민원 종류",
        "처리 상태",
        "접수일",
        "경과(근무일)",
        "처리기간(근무일)",
        "초과(근무일)",
    ]
    assert [row[0] for row in overdue[1:]] == [seeded["copy"]]
    assert overdue[1][5] == "0" and int(overdue[1][4]) >= 13  # 20 days hold ≥ 13 weekdays
    dropoff = rows_of(client.get("/staff/insights.csv?kind=dropoff"))
    assert dropoff == [
        ["민원 종류", "멈춘 항목", "중단 대화 수", "비율(%)"],
        ["일반 민원·건의 신청", "전화번호", "1", "100"],
    ]
    unanswered = rows_of(client.get(f"/staff/insights.csv?kind=unanswered&until={today}"))
    assert unanswered[1][:4] == ["낚시 허가증 발급 방법 알려 주세요", "한국어", "1", "1"]
    only_today = rows_of(client.get(f"/staff/insights.csv?kind=by_petition&since={today}"))
    assert only_today[1:] == [["일반 민원·건의 신청", "1", "100"]]


def test_no_personal_data_in_the_page_or_any_csv(client: TestClient, seeded) -> None:
    sign_in(client)
    outputs = [client.get("/staff/insights").text]
    for kind in KINDS:
        response = client.get(f"/staff/insights.csv?kind={kind}&bucket=week")
        assert response.status_code == 200, kind
        outputs.append(response.content.decode("utf-8-sig"))
    digits = re.sub(r"\D", "", RRN)
    for text in outputs:
        for secret in (NAME, PHONE, E164, EMAIL, RRN, "1098765432", digits[:6], digits[6:]):
            assert secret not in text
        assert "pii_" not in text  # no vault tokens either


def test_bad_filters(client: TestClient, seeded) -> None:
    sign_in(client)
    page = client.get("/staff/insights?since=2026-13-01&until=2026-11-30")
    assert page.status_code == 200 and "YYYY-MM-DD" in page.text
    assert 'aria-invalid="true"' in page.text and "insight-charts" not in page.text
    backwards = client.get("/staff/insights?since=2026-11-30&until=2026-11-01")
    assert "종료일은 시작일과 같거나 그 뒤여야 합니다." in backwards.text
    too_long = client.get("/staff/insights?since=2020-01-01&until=2026-11-01")
    assert "731일" in too_long.text
    assert client.get("/staff/insights.csv?kind=volume&bucket=year").status_code == 422
    assert client.get("/staff/insights.csv?kind=secrets").status_code == 404


def test_a_question_with_an_rrn_is_stored_without_its_digits(client: TestClient) -> None:
    container = container_of(client.app)
    question = f"{DONT_KNOW}. 제 주민번호는 {RRN}이고 전화는 {PHONE}예요"
    reply = client.post("/api/knowledge/ask", json={"question": question, "language": "ko"})
    assert reply.json()["mode"] == "dont_know"
    with container.db.session() as session:
        stored = session.scalars(select(UnansweredQuestion)).all()
    assert len(stored) == 1
    row = stored[0]
    assert (row.language, row.channel, row.petition_id) == ("ko", "api", None)
    assert row.question.startswith(DONT_KNOW)
    assert not re.search(r"\d", row.question), row.question  # no digit of the RRN or phone
    # An answered question is not recorded.
    client.post("/api/knowledge/ask", json={"question": "인감증명서 발급 수수료는 얼마예요?"})
    with container.db.session() as session:
        assert len(session.scalars(select(UnansweredQuestion)).all()) == 1


def test_the_rasa_question_action_records_with_channel_and_petition(client: TestClient) -> None:
    container = container_of(client.app)
    action = AnswerQuestion(SimpleNamespace(knowledge=container.knowledge))  # type: ignore[arg-type]
    tracker = Tracker(
        "c-kiosk",
        {"language": "ko", "channel": "kiosk", "petition": "seal_certificate"},
        {"text": f"고양이 예방접종 병원 추천해 주세요 {RRN}"},
        [],
        False,
        None,
        {"name": "seal_certificate_form"},
        None,
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, {}))
    assert dispatcher.messages  # the citizen still gets "I don't know" with how to reach staff
    with container.db.session() as session:
        row = session.scalars(select(UnansweredQuestion)).one()
    assert (row.language, row.channel, row.petition_id) == ("ko", "kiosk", "seal_certificate")
    assert row.question == "고양이 예방접종 병원 추천해 주세요 […]"
