"""/staff/insights in a real browser: the vendored Chart.js draws every chart under the CSP (no
inline script), each chart has its table, axe-core finds nothing serious, a CSV downloads.

The page needs no Rasa: the app alone is served by uvicorn on a loopback port, with a seeded
database (a planted name, phone and e-mail that must never show)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Page, expect
from sqlalchemy import update

from server.app import container_of, create_app
from server.settings import Settings
from server.store.models import Conversation, Submission, utcnow
from tests.api.test_staff_insights import EMAIL, NAME, PASSWORD, PHONE, file_petition
from tests.stack import free_port


class NoRasa:
    """The staff pages never talk to Rasa."""

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> Any:
        raise AssertionError("no chat here")

    async def tracker(self, sender: str) -> dict[str, Any]:
        raise AssertionError("no chat here")

    async def ready(self) -> bool:
        return False


@pytest.fixture
def insights_app(settings: Settings) -> Iterator[str]:
    app = create_app(settings, rasa=NoRasa())
    container = container_of(app)
    general = file_petition(container, "c-general", "general_petition", applicant_name=NAME)
    container.submissions.decide(general, "approve", None, {}, "reviewer0")
    late = file_petition(container, "c-late", "seal_certificate", applicant_name=NAME)
    file_petition(container, "c-kiosk", "resident_registration_copy", applicant_name=NAME)
    container.conversations.create("c-quit", "ko", "web")
    container.conversations.record_position("c-quit", "ko", "move_in_report_form", "new_address")
    with container.db.session() as session:
        session.execute(
            update(Submission)
            .where(Submission.receipt_no == late)
            .values(submitted_at=utcnow() - timedelta(days=9))
        )
        session.execute(update(Conversation).values(updated_at=utcnow() - timedelta(hours=2)))
    container.knowledge.ask("고양이 예방접종 병원 추천해 주세요", "ko", None, "web")
    container.staff.create("reviewer1", PASSWORD, "reviewer")

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_insights_page(insights_app: str, page: Page, axe, screenshot) -> None:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{insights_app}/staff/insights")
    expect(page).to_have_url(f"{insights_app}/staff/login?next=%2Fstaff%2Finsights")
    page.get_by_label("사용자 이름").fill("reviewer1")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    expect(page).to_have_url(f"{insights_app}/staff/insights")
    expect(page.get_by_role("heading", level=1)).to_have_text("민원 통계")
    expect(page.get_by_role("link", name="민원 통계")).to_have_attribute("aria-current", "page")

    canvases = page.locator("canvas[role=img]")
    expect(canvases.first).to_be_visible()
    page.wait_for_function("window.Chart && Object.keys(window.Chart.instances).length > 0")
    drawn = page.evaluate("Object.keys(window.Chart.instances).length")
    assert drawn == canvases.count() >= 6
    for canvas in canvases.all():  # drawn: not a blank canvas
        assert canvas.bounding_box()["height"] > 100
        assert canvas.get_attribute("aria-label")
    assert not refused and not errors, (refused, errors)

    overdue = page.locator("#t-overdue-caption").locator("xpath=ancestor::table")
    expect(overdue).to_contain_text("인감증명서 발급")
    expect(page.locator("#t-dropoff-1-caption")).to_contain_text("전입신고")
    expect(page.locator("main")).not_to_contain_text(NAME)
    expect(page.locator("main")).not_to_contain_text(PHONE)
    expect(page.locator("main")).not_to_contain_text(EMAIL)
    axe(page, "staff-insights")

    with page.expect_download() as download:
        page.locator('a[href^="/staff/insights.csv?kind=overdue"]').click()
    data = open(download.value.path(), "rb").read()  # noqa: SIM115
    assert data.startswith("\ufeff접수번호,".encode())

    page.set_viewport_size({"width": 400, "height": 900})  # 320 CSS px at 125 %: reflows
    screenshot(page, "staff-insights-narrow")
