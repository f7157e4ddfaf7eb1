"""The whole loop in two browsers: a citizen files a petition in the widget, a staff member
signs in at the review desk and returns it for correction, the citizen corrects it in the
widget, the staff member approves it, and the citizen's status page says so in Korean."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from server.nlg import MessageCatalog
from server.settings import ROOT
from tests.browser.widget import answer_until, conversation, open_widget, press_choice, type_answer
from tests.conversations.helpers import stored

MESSAGES = MessageCatalog(ROOT / "bot/messages")
NEW_PHONE = "010-3030-4040"


def staff_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    context.set_default_timeout(60_000)
    return context.new_page()


def sign_in(page: Page, base_url: str, account: tuple[str, str]) -> None:
    page.goto(f"{base_url}/staff")
    expect(page).to_have_url(f"{base_url}/staff/login?next=%2Fstaff")
    page.fill("#username", account[0])
    page.fill("#password", account[1])
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base_url}/staff")


def test_return_correct_and_approve(
    page: Page, browser: Browser, stack, city_site, staff_account, axe
):
    # The citizen files a petition in the widget.
    frame = open_widget(page, city_site)
    press_choice(page, frame, "주민등록표 등본·초본 발급")
    answer_until(page, frame, "resident_registration_copy", "ko")
    press_choice(page, frame, MESSAGES.phrase("phrase_confirm_button", "ko"))
    receipt_no = frame.locator(".minwon-receipt__number").inner_text()
    status_url = frame.locator(".minwon-receipt a").get_attribute("href")

    # Staff return it with a comment on the phone number.
    desk = staff_page(browser)
    try:
        sign_in(desk, stack.url, staff_account)
        desk.click(f"a:has-text('{receipt_no}')")
        expect(desk.locator("h1")).to_contain_text(receipt_no)
        desk.fill("#comment-phone", "이 번호로 연락이 되지 않습니다. 다시 확인해 주세요.")
        desk.click("form[data-decision=return] button[type=submit]")
        expect(desk.locator("main")).to_contain_text("보완을 요청했습니다")  # after the reload
        desk.wait_for_load_state()
        assert stored(stack, receipt_no)[0].status == "returned"
        axe(desk, "journey-staff-returned")

        # The citizen comes back to the widget: the correction comes first, only the phone.
        type_answer(page, frame, "안녕하세요")
        correction = frame.locator(".minwon-msg--bot").filter(has_text=receipt_no).last
        expect(correction).to_contain_text("이 번호로 연락이 되지 않습니다")
        assert conversation(frame)["state"]["requested_slot"] == "phone"
        type_answer(page, frame, NEW_PHONE)
        assert conversation(frame)["state"]["requested_slot"] == "confirmation"
        axe(page, "journey-widget-correction", frame_selector="#minwon-panel")
        press_choice(page, frame, MESSAGES.phrase("phrase_confirm_button", "ko"))
        expect(frame.locator(".minwon-msg--bot").last).to_contain_text(receipt_no)
        submission, _ = stored(stack, receipt_no)
        assert submission.status == "resubmitted"
        assert submission.fields["phone"] == "+821030304040"

        # Staff see the resubmission and approve it.
        desk.reload()
        desk.click("form[data-decision=approve] button[type=submit]")
        expect(desk.locator("main")).to_contain_text("승인했습니다")
        expect(desk.locator("form[data-decision=approve]")).to_have_count(0)
        assert stored(stack, receipt_no)[0].status == "approved"
    finally:
        desk.context.close()

    # The citizen's status page (the link in the receipt) says so in their language.
    page.goto(status_url)
    expect(page.locator("main")).to_contain_text(MESSAGES.phrase("phrase_status_approved", "ko"))
    axe(page, "journey-status-approved")
