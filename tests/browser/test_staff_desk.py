"""The staff review desk in a real browser against the real system: a citizen files petitions
through the chat API, a reviewer signs in, finds one, reveals the registration number and
returns it for correction. axe-core checks every state; screenshots are kept as artifacts."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.citizen import Citizen
from tests.conversations.flows import fill_until, start
from tests.conversations.helpers import stored, submit
from tests.fixtures.petitions import EXAMPLES

PETITION = "resident_registration_copy"
TITLE = "주민등록표 등본·초본 발급"
RRN = EXAMPLES[PETITION]["applicant_rrn"]
MASKED = RRN[:8] + "******"


def file(stack, petition_id: str) -> str:  # type: ignore[no-untyped-def]
    citizen = Citizen(stack.url, "ko")
    start(citizen, petition_id, "ko")
    fill_until(citizen, petition_id, None)
    return submit(citizen)


def fits_the_width(page: Page) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def small_targets(page: Page) -> list[str]:
    """Visible buttons smaller than 24×24 CSS pixels (WCAG 2.2, 2.5.8)."""
    found = []
    for button in page.locator("button:visible, a.button:visible").all():
        box = button.bounding_box()
        if box and (box["width"] < 24 or box["height"] < 24):
            found.append(button.inner_text())
    return found


def test_review_desk(stack, page: Page, axe, screenshot, staff_account):
    receipt = file(stack, PETITION)
    name, password = staff_account

    # Anonymous: to the sign-in page, which comes back here afterwards.
    page.goto(f"{stack.url}/staff")
    expect(page).to_have_url(f"{stack.url}/staff/login?next=%2Fstaff")
    expect(page.get_by_role("heading", level=1)).to_have_text("담당자 로그인")
    axe(page, "staff-login")

    page.get_by_label("사용자 이름").fill(name)
    page.get_by_label("비밀번호").fill("not the password")
    page.get_by_role("button", name="로그인").click()
    error = page.get_by_role("alert")
    expect(error).to_contain_text("비밀번호가 맞지 않거나")
    expect(page.get_by_label("사용자 이름")).to_have_value(name)
    expect(page.get_by_label("비밀번호")).to_be_focused()
    expect(page.get_by_label("비밀번호")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "staff-login-error")

    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    expect(page).to_have_url(f"{stack.url}/staff")

    # The desk: counts by status and the queue.
    expect(page.get_by_role("heading", level=1)).to_have_text("내 업무")
    submitted = page.locator(".count").filter(has_text="접수").first
    expect(submitted.locator(".count-number")).not_to_have_text(re.compile(r"^0"))
    row = page.get_by_role("row").filter(has_text=receipt)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("한국어")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="본문 바로가기")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert small_targets(page) == []
    axe(page, "staff-desk")

    # Filtered by petition: a plain GET form.
    page.get_by_label("민원 종류").select_option(label=TITLE)
    page.get_by_role("button", name="검색").click()
    expect(page).to_have_url(re.compile(rf"petition={PETITION}"))
    expect(page.get_by_label("민원 종류")).to_have_value(PETITION)
    expect(row).to_be_visible()
    for other in page.locator("table.queue tbody tr").all():
        expect(other).to_contain_text(TITLE)
    # A bad date is an error on the page, not a crash.
    page.goto(f"{stack.url}/staff?since=2026-02-30")
    expect(page.locator(".error-summary")).to_contain_text("YYYY-MM-DD")
    expect(page.locator("#f-since")).to_have_attribute("aria-invalid", "true")
    page.go_back()

    # One submission.
    page.get_by_role("link", name=receipt).click()
    expect(page).to_have_url(f"{stack.url}/staff/submissions/{receipt}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    value = page.locator("#value-applicant_rrn")
    expect(value).to_have_text(MASKED)
    form = page.frame_locator("iframe.official-form")
    expect(form.locator("h1")).to_be_visible()
    expect(form.locator("body")).to_contain_text(receipt)
    expect(form.locator("body")).to_contain_text(MASKED)
    expect(form.locator("body")).not_to_contain_text(RRN)
    expect(page.get_by_role("link", name=re.compile("PDF 내려받기"))).to_have_attribute(
        "href", f"/api/staff/submissions/{receipt}/document.pdf"
    )
    transcript = page.locator("ol.transcript")
    expect(transcript).to_contain_text("민원인")
    expect(transcript).not_to_contain_text(RRN)
    assert small_targets(page) == []
    axe(page, "staff-submission")

    # Reveal the registration number: shown, announced, recorded.
    reveal = page.get_by_role("button", name=re.compile(r"^보기.*주민등록번호"))
    reveal.click()
    expect(value).to_have_text(RRN)
    hide = page.get_by_role("button", name=re.compile(r"^가리기.*주민등록번호"))
    expect(hide).to_be_focused()
    expect(page.locator("#reveal-status")).to_contain_text(RRN)
    axe(page, "staff-submission-revealed")
    page.reload()
    expect(value).to_have_text(MASKED)
    audit = page.locator("table.audit")
    expect(audit).to_contain_text("식별번호 보기")
    expect(audit).to_contain_text("신청인 주민등록번호")
    expect(audit).to_contain_text(name)

    # Reject without a reason: the API's error, next to the form, tied to the field.
    page.get_by_role("button", name="반려", exact=True).click()
    reject_error = page.locator("#reject-error")
    expect(reject_error).to_have_text("반려 사유를 입력해 주세요.")
    reason = page.get_by_label("반려 사유")
    expect(reason).to_be_focused()
    expect(reason).to_have_attribute("aria-invalid", "true")
    axe(page, "staff-decision-error")

    # Return for correction with a comment on one field.
    page.locator("#comment-phone").fill("이 번호로 연락이 되지 않습니다.")
    page.get_by_role("button", name="보완 요청", exact=True).click()
    expect(page.locator(".summary .status")).to_have_text("보완 요청")
    expect(page.locator(".notice")).to_contain_text("보완을 요청했습니다")
    expect(page.locator("form[data-decision]")).to_have_count(0)
    expect(page.locator("table.fields")).to_contain_text("이 번호로 연락이 되지 않습니다.")
    submission, _ = stored(stack, receipt)
    assert submission.status == "returned"
    assert submission.field_comments == {"phone": "이 번호로 연락이 되지 않습니다."}
    screenshot(page, "staff-submission-returned")

    # 200% zoom: the same pages in half the width reflow without a sideways scroll.
    page.set_viewport_size({"width": 640, "height": 900})
    assert fits_the_width(page)
    screenshot(page, "staff-submission-zoom200")
    page.goto(f"{stack.url}/staff")
    assert fits_the_width(page)
    screenshot(page, "staff-desk-zoom200")

    # Signing out ends the session: the desk asks to sign in again.
    page.get_by_role("button", name="로그아웃").click()
    expect(page).to_have_url(f"{stack.url}/staff/login")
    page.goto(f"{stack.url}/staff")
    expect(page).to_have_url(re.compile(r"/staff/login\?next="))


def test_report_photos_on_the_desk(stack, page: Page, axe, staff_account):
    receipt = file(stack, "illegal_parking_report")
    name, password = staff_account
    page.goto(f"{stack.url}/staff/submissions/{receipt}")
    page.get_by_label("사용자 이름").fill(name)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    expect(page).to_have_url(f"{stack.url}/staff/submissions/{receipt}")
    photos = page.locator("ul.photos img")
    expect(photos).to_have_count(len(EXAMPLES["illegal_parking_report"]["photos"]))
    expect(photos.first).to_have_attribute("alt", re.compile(r"^사진 1 \(촬영 시각 \d{4}-"))
    photos.first.scroll_into_view_if_needed()
    assert photos.first.evaluate("img => img.complete && img.naturalWidth > 0")
    axe(page, "staff-submission-photos")
