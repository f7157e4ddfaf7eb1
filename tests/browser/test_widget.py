"""The web widget in real Chromium, embedded in a city page on another origin: a petition
filed by keyboard only, accessibility in each state, reload and dropped network, zoom,
answers with sources, language switch, photos."""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from server.nlg import MessageCatalog
from server.settings import ROOT
from tests.browser.widget import (
    answer_until,
    bot_count,
    conversation,
    open_widget,
    panel,
    press_choice,
    type_answer,
    wait_for_reply,
)
from tests.conversations.helpers import stored
from tests.fixtures.photos import camera_jpeg

MESSAGES = MessageCatalog(ROOT / "bot/messages")


def test_citizen_files_a_petition_by_keyboard_only(page: Page, stack, city_site, axe, screenshot):
    frame = open_widget(page, city_site)
    axe(page, "widget-open")
    axe(page, "widget-panel", frame_selector="#minwon-panel")

    press_choice(page, frame, "주민등록표 등본·초본 발급")
    assert conversation(frame)["state"]["active_form"] == "resident_registration_copy"
    answer_until(page, frame, "resident_registration_copy", "ko")
    # The number the citizen typed is masked in their own bubble and in the tab's storage.
    assert "1234568" not in frame.locator("#log").inner_text()
    assert "1234568" not in frame.evaluate("sessionStorage.getItem('minwon-widget')")
    axe(page, "widget-summary", frame_selector="#minwon-panel")

    press_choice(page, frame, MESSAGES.phrase("phrase_confirm_button", "ko"))
    receipt = frame.locator(".minwon-receipt")
    expect(receipt).to_be_visible()
    receipt_no = receipt.locator(".minwon-receipt__number").inner_text()
    link = receipt.locator("a")
    assert link.get_attribute("href").startswith(f"{stack.url}/status/{receipt_no}?token=")
    axe(page, "widget-receipt", frame_selector="#minwon-panel")

    submission, vault = stored(stack, receipt_no)
    assert submission.channel == "web"
    assert submission.fields["applicant_name"] == "홍길동"
    assert vault.reveal(submission.fields["applicant_rrn"]) == "900101-1234568"

    # Escape closes the panel and gives focus back to the button on the city page.
    page.keyboard.press("Escape")
    expect(page.locator("#minwon-panel")).to_be_hidden()
    expect(page.locator("#minwon-launcher")).to_be_focused()
    expect(page.locator("#minwon-launcher")).to_have_attribute("aria-expanded", "false")


def test_the_conversation_survives_a_reload_and_a_dropped_network(page: Page, stack, city_site):
    frame = open_widget(page, city_site)
    type_answer(page, frame, "가족관계증명서 떼고 싶어요")
    type_answer(page, frame, "이민지")
    said = frame.locator("#log").inner_text()
    conversation_id = conversation(frame)["id"]

    page.reload()  # the panel was open: it opens again with everything in it
    frame = panel(page)
    expect(frame.locator(".minwon-msg--bot").last).to_be_visible()
    assert conversation(frame)["id"] == conversation_id
    assert frame.locator("#log").inner_text() == said
    assert conversation(frame)["state"]["requested_slot"] == "applicant_rrn"

    page.context.set_offline(True)
    frame.locator("#text").focus()
    before = bot_count(frame)
    page.keyboard.type("920315-2345674")
    page.keyboard.press("Enter")
    status = frame.locator("#status")
    expect(status).to_have_text(MESSAGES.phrase("ui_offline", "ko"))
    expect(frame.locator(".minwon-msg__pending")).to_have_count(1)
    page.context.set_offline(False)  # the browser's online event sends the kept message
    wait_for_reply(frame, before)
    expect(status).to_have_text("")
    assert conversation(frame)["state"]["requested_slot"] == "phone"


def test_the_panel_works_at_200_percent_zoom(browser, stack, city_site, axe):
    # 200 % zoom of a 1280×900 window is a 640×450 CSS viewport at twice the pixel density.
    context = browser.new_context(
        viewport={"width": 640, "height": 450}, device_scale_factor=2, locale="ko-KR"
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        frame = open_widget(page, city_site)
        box = page.locator("#minwon-panel").bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= 640
        assert box["y"] >= 0 and box["y"] + box["height"] <= 450
        assert frame.evaluate("document.documentElement.scrollWidth <= innerWidth")
        expect(frame.locator("#text")).to_be_in_viewport()
        expect(frame.locator("#send")).to_be_in_viewport()
        axe(page, "widget-zoom-200", frame_selector="#minwon-panel")
    finally:
        context.close()


def test_answers_show_sources_and_the_language_can_be_switched(page: Page, stack, city_site, axe):
    frame = open_widget(page, city_site)
    type_answer(page, frame, "주민등록등본 발급 수수료는 얼마예요?")
    answer = frame.locator(".minwon-msg--bot").last
    sources = answer.locator(".minwon-sources a")
    expect(sources.first).to_be_visible()
    assert sources.first.get_attribute("href").startswith("http")
    assert answer.get_attribute("lang") == "ko"
    axe(page, "widget-answer-sources", frame_selector="#minwon-panel")

    # The language menu by keyboard: Shift+Tab from the box to it, arrow down to English.
    language = frame.locator("#language")
    language.focus()
    before = bot_count(frame)
    page.keyboard.press("ArrowDown")  # 한국어 → English
    wait_for_reply(frame, before)
    expect(frame.locator("html")).to_have_attribute("lang", "en")
    expect(frame.locator("#send")).to_have_text(MESSAGES.phrase("ui_send", "en"))
    assert frame.locator(".minwon-msg--bot").last.get_attribute("lang") == "en"
    assert frame.locator(".minwon-msg--bot").first.get_attribute("lang") == "ko"


def test_report_photos_are_uploaded_from_the_panel(page: Page, stack, city_site, tmp_path):
    frame = open_widget(page, city_site)
    type_answer(page, frame, "도로 파손 신고할게요")
    answer_until(page, frame, "facility_damage_report", "ko", stop="photos")
    assert conversation(frame)["state"]["requested_slot"] == "photos"
    attach = frame.locator("#attach")
    expect(attach).to_be_visible()
    now = datetime.now().replace(microsecond=0)
    files = []
    for i in range(2):
        path = tmp_path / f"photo{i}.jpg"
        path.write_bytes(camera_jpeg(now - timedelta(minutes=4 - 2 * i)))
        files.append(str(path))
    before = bot_count(frame)
    frame.locator("#photos").set_input_files(files)
    wait_for_reply(frame, before)
    assert conversation(frame)["state"]["requested_slot"] == "reporter_phone"
    expect(frame.locator(".minwon-msg--user").last).to_have_text(
        MESSAGES.phrase("ui_you_said", "ko") + ": " + "사진 2장을 보냈습니다"
    )
    expect(attach).to_be_hidden()
