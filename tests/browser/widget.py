"""Driving the web widget as a citizen does, for the browser tests: open it from a city page,
answer the questions the assistant asks with the example answers, by keyboard only."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Frame, Page, expect

from forms.catalog import default_catalog
from tests.fixtures.petitions import EXAMPLES

PANEL = "#minwon-panel"


def open_widget(page: Page, url: str) -> Frame:
    """The city page, then Tab to the chat button and Enter: focus lands in the panel."""
    page.goto(url)
    page.locator("#minwon-launcher").wait_for()
    for _ in range(10):  # past the city page's own links: the button comes last
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "minwon-launcher":
            break
    else:
        raise AssertionError("the chat button is not reachable by Tab")
    page.keyboard.press("Enter")
    frame = panel(page)
    frame.locator(".minwon-msg--bot").first.wait_for()
    expect(frame.locator("#text")).to_be_focused()
    return frame


def panel(page: Page) -> Frame:
    handle = page.locator(PANEL).element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None
    frame.wait_for_load_state()
    return frame


def conversation(frame: Frame) -> dict[str, Any]:
    """What the panel keeps in the tab's sessionStorage: the conversation id and state."""
    return frame.evaluate("JSON.parse(sessionStorage.getItem('minwon-widget') || '{}')")  # type: ignore[no-any-return]


def bot_count(frame: Frame) -> int:
    return frame.locator(".minwon-msg--bot").count()


def wait_for_reply(frame: Frame, before: int) -> None:
    expect(frame.locator(".minwon-msg--bot")).not_to_have_count(before)
    expect(frame.locator(".minwon-msg__pending")).to_have_count(0)


def type_answer(page: Page, frame: Frame, text: str) -> None:
    """Types into the message box (which has focus) and presses Enter."""
    before = bot_count(frame)
    expect(frame.locator("#text")).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    wait_for_reply(frame, before)


def press_choice(page: Page, frame: Frame, title: str, limit: int = 30) -> None:
    """Shift+Tab from the message box back through the quick replies to ``title``, Enter."""
    before = bot_count(frame)
    for _ in range(limit):
        page.keyboard.press("Shift+Tab")
        focused = frame.evaluate("document.activeElement && document.activeElement.textContent")
        if focused == title:
            page.keyboard.press("Enter")
            wait_for_reply(frame, before)
            return
    raise AssertionError(f"no quick reply {title!r} reachable by keyboard")


def answer_until(
    page: Page, frame: Frame, petition_id: str, language: str, stop: str = "confirmation"
) -> None:
    """Answers with the example answers until the assistant asks for ``stop``."""
    petition = default_catalog().petition(petition_id)
    for _ in range(20):
        slot = conversation(frame)["state"]["requested_slot"]
        if slot in (None, stop):
            return
        field = petition.field(slot)
        value = str(EXAMPLES[petition_id][slot])
        if field.type == "choice":
            option = next(o for o in field.options if o.value == value)
            press_choice(page, frame, getattr(option.label, language))
        else:
            type_answer(page, frame, value)
    raise AssertionError(f"the form never asked for {stop}")
