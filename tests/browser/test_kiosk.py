"""The touch kiosk in real Chromium against the real system: a senior files a petition with
touches only (tiles, quick replies, the on-screen number pad and Hangul keyboard), gets the
receipt with its QR code, hears every message, then walks away: the warning, and the wipe.
Also the Hangul composer of keyboard.js on its own, and a Thai visitor's keyboard."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from forms.catalog import default_catalog
from server.nlg import MessageCatalog
from server.settings import ROOT
from tests.conversations.helpers import stored
from tests.stack import Stack

MESSAGES = MessageCatalog(ROOT / "bot/messages")
SPEECH_LANG = {"ko": "ko-KR", "en": "en-US", "zh": "zh-CN", "vi": "vi-VN", "th": "th-TH"}
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1280, "height": 1024}
RRN = "850505-2123456"
PHONE = "010-4821-7730"

# Records what the page asks the speech synthesiser to say (text and language); headless
# Chromium has no voices, and a test must not depend on them.
SPEECH_SPY = """
(() => {
  window.__spoken = [];
  const record = (u) => { window.__spoken.push([u.text, u.lang]); };
  if (!('SpeechSynthesisUtterance' in window)) {
    window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ''; };
  }
  if (!('speechSynthesis' in window) || !window.speechSynthesis) {
    window.speechSynthesis = { speak: record, cancel() {} };
  } else {
    window.speechSynthesis.speak = record;
    window.speechSynthesis.cancel = () => {};
  }
})();
"""


def open_kiosk(page: Page, stack: Stack, viewport: dict[str, int] = PORTRAIT) -> None:
    page.set_viewport_size(viewport)
    page.add_init_script(SPEECH_SPY)
    page.clock.install()
    page.goto(f"{stack.url}/kiosk")
    expect(page.locator("#screen-language")).to_be_visible()
    expect(page.locator("#language-heading")).to_be_focused()


def touch_keys(page: Page, pad: str, keys: str) -> None:
    """Touches the on-screen keys of ``pad`` (#keypad or #keyboard) one by one."""
    for key in keys:
        page.locator(f"{pad} [data-value='{key}']").click()


def send_from(page: Page, pad: str) -> None:
    bots = page.locator(".minwon-msg--bot").count()
    page.locator(f"{pad} [data-action=send]").click()
    page.locator(".minwon-msg--bot").nth(bots).wait_for(state="attached")


def touch_choice(page: Page, title: str) -> None:
    bots = page.locator(".minwon-msg--bot").count()
    page.locator("#choices .choice").filter(has_text=re.compile(f"^{re.escape(title)}$")).click()
    page.locator(".minwon-msg--bot").nth(bots).wait_for(state="attached")


def option(petition: str, field: str, value: str, lang: str = "ko") -> str:
    spec = default_catalog().petition(petition).field(field)
    return next(o.label(lang) for o in [*spec.options, *spec.suggestions] if o.value == value)


def asking(page: Page) -> str | None:
    return stored_chat(page)["state"]["requested_slot"]


def stored_chat(page: Page) -> dict:
    return json.loads(page.evaluate("sessionStorage.getItem('minwon-kiosk')") or "null")


def seconds_left(page: Page) -> int:
    found = re.search(r"\d+", page.locator("#idle-text").inner_text())
    assert found, page.locator("#idle-text").inner_text()
    return int(found.group())


def assert_fits_the_screen(page: Page) -> None:
    """No page scrolling, and every visible control a touch target of at least 15 mm."""
    sizes = page.evaluate(
        """() => ({
            page: [document.documentElement.scrollHeight, window.innerHeight,
                   document.documentElement.scrollWidth, window.innerWidth],
            app: [document.getElementById('app').scrollHeight,
                  document.getElementById('app').clientHeight],
            tools: document.querySelector('.tools').getBoundingClientRect().bottom,
            small: Array.from(document.querySelectorAll('button'))
              .filter((b) => b.offsetParent !== null)
              .map((b) => [b.textContent.trim(), b.getBoundingClientRect()])
              .filter(([, r]) => r.width < 57 || r.height < 57)
              .map(([t, r]) => `${t}: ${Math.round(r.width)}x${Math.round(r.height)}`),
        })"""
    )
    assert sizes["app"][0] <= sizes["app"][1] + 1, sizes["app"]  # nothing pushed off screen
    assert sizes["tools"] <= sizes["page"][1] + 1, sizes  # the tools stay in view
    height, inner_height, width, inner_width = sizes["page"]
    assert height <= inner_height and width <= inner_width, sizes["page"]
    assert not sizes["small"], sizes["small"]


def test_a_senior_files_a_petition_by_touch_and_the_kiosk_forgets_it(
    page: Page, stack: Stack, axe, screenshot
):
    open_kiosk(page, stack)
    tiles = page.locator(".tile--language")
    expect(tiles).to_have_count(5)
    assert [tiles.nth(i).get_attribute("lang") for i in range(5)] == ["ko", "en", "zh", "vi", "th"]
    expect(page.locator("#tool-read")).to_have_attribute("aria-pressed", "true")
    assert_fits_the_screen(page)
    axe(page, "kiosk-languages")

    page.locator(".tile--language[lang=ko]").click()
    expect(page.locator("#service-heading")).to_be_focused()
    services = page.locator("#services .tile")
    expect(services).to_have_count(len(default_catalog().petitions) + 1)
    assert_fits_the_screen(page)
    axe(page, "kiosk-services")

    # The name, on the on-screen Hangul keyboard (the default for Korean).
    services.filter(has_text="가족관계증명서 발급").click()
    keyboard = page.locator("#keyboard")
    expect(keyboard).to_be_visible()
    expect(keyboard).to_have_attribute("data-layout", "hangul")
    expect(page.locator("#chat-heading")).to_have_text("가족관계증명서 발급")
    expect(page.locator("#log")).to_have_attribute("role", "log")
    expect(page.locator("#log")).to_have_attribute("aria-live", "polite")
    assert asking(page) == "applicant_name"
    font = page.locator(".minwon-msg--bot").first.evaluate("(n) => getComputedStyle(n).fontSize")
    assert font == "45.4px"  # 12 mm at 3.78 px/mm, from the settings
    assert_fits_the_screen(page)
    axe(page, "kiosk-keyboard")
    page.locator("#tool-contrast").click()
    expect(page.locator("#tool-contrast")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("html")).to_have_class(re.compile(r"\bkiosk--contrast\b"))
    axe(page, "kiosk-high-contrast")
    page.locator("#tool-contrast").click()
    expect(page.locator("#tool-contrast")).to_have_attribute("aria-pressed", "false")
    touch_keys(page, "#keyboard", "ㅎㅗㅇㄱㅣㄹㄷㅗㅇ")
    expect(page.locator("#text")).to_have_value("홍길동")
    send_from(page, "#keyboard")

    # Numbers on the number pad; the registration number shows masked.
    assert asking(page) == "applicant_rrn"
    expect(page.locator("#keypad")).to_be_visible()
    expect(keyboard).to_be_hidden()
    axe(page, "kiosk-keypad")
    touch_keys(page, "#keypad", RRN.replace("2123456", "2123457"))
    page.locator("#keypad [data-action=delete]").click()  # a slip of the finger, taken back
    touch_keys(page, "#keypad", "6")
    expect(page.locator("#text")).to_have_value(RRN)
    send_from(page, "#keypad")
    assert "2123456" not in page.locator("#log").inner_text()
    assert "2123456" not in page.evaluate("sessionStorage.getItem('minwon-kiosk')")
    assert asking(page) == "phone"
    touch_keys(page, "#keypad", "999")
    page.locator("#keypad [data-action=clear]").click()
    expect(page.locator("#text")).to_have_value("")
    touch_keys(page, "#keypad", PHONE)
    send_from(page, "#keypad")

    # Closed choices and suggestions: quick replies, no keys needed.
    for field, value in [
        ("relation", "본인"),
        ("certificate_kind", "일반"),
        ("copies", "1"),
        ("purpose", "관공서 제출용"),
    ]:
        assert asking(page) == field
        expect(page.locator("#keypad")).to_be_hidden()
        expect(keyboard).to_be_hidden()
        touch_choice(page, option("family_relation_certificate", field, value))
    assert asking(page) == "confirmation"
    assert_fits_the_screen(page)
    screenshot(page, "kiosk-summary")
    touch_choice(page, MESSAGES.phrase("phrase_confirm_button", "ko"))

    # The receipt: number, petition, date, QR code of the status link; print and finish.
    expect(page.locator("#screen-receipt")).to_be_visible()
    expect(page.locator("#receipt-heading")).to_be_focused()
    receipt_no = page.locator("#receipt-no").inner_text()
    assert re.fullmatch(r"MW-\d{8}-[A-Z0-9]+", receipt_no), receipt_no
    expect(page.locator("#receipt-petition")).to_have_text("가족관계증명서 발급")
    assert page.locator("#receipt-date").inner_text().strip()
    qr = page.locator("#receipt-qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith(f"/kiosk/qr/{receipt_no}.svg?token=")
    page.wait_for_function(
        "() => { const i = document.getElementById('receipt-qr');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    expect(page.locator("#print")).to_be_visible()
    expect(page.locator("#finish")).to_be_visible()
    assert_fits_the_screen(page)
    axe(page, "kiosk-receipt")
    page.emulate_media(media="print")
    screenshot(page, "kiosk-receipt-print")
    assert page.locator(".tools").is_hidden() and page.locator("#receipt").is_visible()
    page.emulate_media(media="screen")

    submission, vault = stored(stack, receipt_no)
    assert submission.petition_id == "family_relation_certificate"
    assert submission.channel == "kiosk" and submission.language == "ko"
    assert submission.fields["applicant_name"] == "홍길동"
    assert vault.reveal(submission.fields["applicant_rrn"]) == RRN
    assert submission.fields["phone"] == "+821048217730"

    # Every bot message was read aloud, in its language.
    conversation = stored_chat(page)
    spoken = [tuple(s) for s in page.evaluate("window.__spoken")]
    bot_messages = [m for m in conversation["messages"] if m["from"] == "bot"]
    assert len(bot_messages) >= 10
    for message in bot_messages:
        text = " ".join(re.sub(r"https?://\S+", " ", message["text"]).split())
        assert (text, SPEECH_LANG[message["lang"]]) in spoken, text

    # High contrast, then larger text.
    page.locator("#tool-contrast").click()
    axe(page, "kiosk-receipt-high-contrast")
    page.locator("#tool-larger").click()
    expect(page.locator("#tool-larger")).to_have_attribute("aria-pressed", "true")
    petition_font = page.locator("#receipt-petition").evaluate(
        "(n) => getComputedStyle(n).fontSize"
    )
    assert petition_font == "90.8px"
    screenshot(page, "kiosk-larger-text")

    # Walking away: the warning after idle − warning seconds; Continue restarts the wait.
    page.evaluate("localStorage.setItem('left-behind', 'x')")
    warning = page.get_by_role("alertdialog")
    page.clock.fast_forward("01:31")
    expect(warning).to_be_visible()
    expect(page.locator("#idle-continue")).to_be_focused()
    left = seconds_left(page)
    assert 20 <= left <= 29, left
    page.clock.run_for(2000)
    expect(page.locator("#idle-text")).to_contain_text(re.compile(rf"\b{left - 2}\b"))
    axe(page, "kiosk-idle-warning")
    page.locator("#idle-continue").click()
    expect(warning).to_be_hidden()
    page.clock.fast_forward("01:00")
    page.clock.run_for(1000)
    expect(warning).to_be_hidden()  # the wait started again at the touch
    expect(page.locator("#screen-receipt")).to_be_visible()
    page.clock.fast_forward("00:31")
    expect(warning).to_be_visible()

    # ... and at the idle limit everything goes.
    page.clock.fast_forward("00:30")
    expect(page.locator("#screen-language")).to_be_visible()
    expect(warning).to_be_hidden()
    expect(page.locator("#language-heading")).to_be_focused()
    assert page.evaluate("sessionStorage.length") == 0
    assert page.evaluate("localStorage.length") == 0
    expect(page.locator(".minwon-msg")).to_have_count(0)
    html = page.evaluate("document.body.innerHTML")
    for trace in ("홍길동", receipt_no, "850505", "4821", "관공서", "token="):
        assert trace not in html, trace
    assert page.locator("#receipt-qr").get_attribute("src") is None
    expect(page.locator("#tool-contrast")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#tool-larger")).to_have_attribute("aria-pressed", "false")
    screenshot(page, "kiosk-wiped")


def test_a_thai_visitor_asks_a_question_then_starts_over(page: Page, stack: Stack, screenshot):
    open_kiosk(page, stack, LANDSCAPE)
    assert_fits_the_screen(page)
    page.locator(".tile--language[lang=th]").click()
    expect(page.locator("html")).to_have_attribute("lang", "th")
    assert_fits_the_screen(page)
    screenshot(page, "kiosk-services-th-landscape")

    page.locator("#services .tile--question").click()
    expect(page.locator("#chat-heading")).to_have_text(
        MESSAGES.phrase("ui_kiosk_ask_question", "th")
    )
    page.locator(".minwon-msg--bot").first.wait_for()
    keyboard = page.locator("#keyboard")
    expect(keyboard).to_be_visible()
    expect(keyboard).to_have_attribute("data-layout", "thai")
    expect(page.locator("#keyboard .key--layout[aria-pressed=true]")).to_have_text("ไทย")
    touch_keys(page, "#keyboard", "สวัสดี")
    expect(page.locator("#text")).to_have_value("สวัสดี")
    page.locator("#keyboard .key--layout", has_text="ABC").click()
    expect(keyboard).to_have_attribute("data-layout", "latin")
    page.locator("#keyboard [data-action=space]").click()
    page.locator("#keyboard [data-action=shift]").click()
    touch_keys(page, "#keyboard", "F")
    touch_keys(page, "#keyboard", "ee")
    expect(page.locator("#text")).to_have_value("สวัสดี Fee")
    assert_fits_the_screen(page)
    screenshot(page, "kiosk-keyboard-th-landscape")
    greeting = stored_chat(page)["messages"][0]
    assert greeting["lang"] == "th"
    spoken = [tuple(s) for s in page.evaluate("window.__spoken")]
    assert (" ".join(greeting["text"].split()), "th-TH") in spoken

    # A physical keyboard types into the same field, the on-screen keys go on from there,
    # and Enter sends.
    page.locator("#text").focus()
    page.keyboard.type(" ok")
    page.locator("#keyboard [data-action=delete]").click()
    expect(page.locator("#text")).to_have_value("สวัสดี Fee o")
    page.keyboard.press("Enter")
    page.locator(".minwon-msg--bot").nth(1).wait_for()
    expect(page.locator(".minwon-msg--user")).to_contain_text("สวัสดี Fee o")
    expect(page.locator("#text")).to_have_value("")

    # Read-aloud off stops speaking; Start over wipes and gives the next person the defaults.
    page.locator("#tool-read").click()
    expect(page.locator("#tool-read")).to_have_attribute("aria-pressed", "false")
    page.locator("#tool-restart").click()
    expect(page.locator("#screen-language")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("#tool-read")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#tool-restart")).to_be_hidden()
    assert page.evaluate("sessionStorage.length") == 0
    expect(page.locator("#text")).to_have_value("")
    expect(page.locator(".minwon-msg")).to_have_count(0)


def test_hangul_composer(page: Page):
    """keyboard.js alone on a blank page: 2-beolsik syllable composition and backspace."""
    page.goto("about:blank")
    page.add_script_tag(path=str(ROOT / "server/static/keyboard.js"))
    results = page.evaluate(
        """() => {
            const typed = (keys, backspaces = 0) => {
                const c = new MinwonKeyboard.Composer();
                for (const k of keys) c.type(k);
                const steps = [c.text()];
                for (let i = 0; i < backspaces; i++) { c.backspace(); steps.push(c.text()); }
                return steps;
            };
            return {
                name: typed('ㅎㅗㅇㄱㅣㄹㄷㅗㅇ'),
                double_final: typed('ㄷㅏㄹㄱ', 4),
                final_moves: typed('ㅇㅏㄴㅈ').concat(typed('ㅇㅏㄴㅈㅏ', 3)),
                double_vowel: typed('ㄱㅗㅏ', 1).concat(typed('ㅇㅡㅣㅅㅏ')),
                no_final: typed('ㅇㅏㄸㅏ'),
                lone_jamo: typed('ㄱㄱㅏ').concat(typed('ㅏㅏ')),
                mixed: typed(['ㅎ', 'ㅏ', ' ', 'A', '1', 'ㄴ']),
                thai: typed('สวัสดี', 1),
            };
        }"""
    )
    assert results["name"] == ["홍길동"]
    assert results["double_final"] == ["닭", "달", "다", "ㄷ", ""]
    assert results["final_moves"] == ["앉", "안자", "안ㅈ", "안", ""]
    assert results["double_vowel"] == ["과", "고", "의사"]
    assert results["no_final"] == ["아따"]
    assert results["lone_jamo"] == ["ㄱ가", "ㅏㅏ"]
    assert results["mixed"] == ["하 A1ㄴ"]
    assert results["thai"] == ["สวัสดี", "สวัสด"]

    # The keyboard itself: shift gives the double consonants, a layout switch keeps the text.
    page.evaluate(
        """() => {
            const root = document.createElement('div');
            root.id = 'kbd';
            document.body.appendChild(root);
            window.composer = new MinwonKeyboard.Composer();
            window.kbd = new MinwonKeyboard.Keyboard(root, {
                composer, layout: 'hangul',
                texts: {ui_kiosk_space: 'Space', ui_kiosk_delete: 'Delete', ui_send: 'Send'},
            });
        }"""
    )
    page.locator("#kbd [data-action=shift]").click()
    expect(page.locator("#kbd [data-action=shift]")).to_have_attribute("aria-pressed", "true")
    page.locator("#kbd [data-value='ㄲ']").click()
    expect(page.locator("#kbd [data-action=shift]")).to_have_attribute("aria-pressed", "false")
    touch_keys(page, "#kbd", "ㅗㅊ")
    page.locator("#kbd [data-layout=latin]").click()
    touch_keys(page, "#kbd", "ok")
    assert page.evaluate("composer.text()") == "꽃ok"
    page.locator("#kbd [data-layout=thai]").click()
    expect(page.locator("#kbd")).to_have_attribute("data-layout", "thai")
    expect(page.locator("#kbd .kbd__keys")).to_have_attribute("lang", "th")
    assert page.locator("#kbd [data-value='ก']").count() == 1
