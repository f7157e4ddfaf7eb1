"""Status notices in the chat API and on the status page."""

from __future__ import annotations

from actions.ports import SubmissionDraft
from server.app import container_of
from server.container import Container
from tests.api.conftest import FakeRasa

FIELDS = {
    "applicant_name": "Kim Minji",
    "phone": "+821012345678",
    "petition_kind": "질의",
    "title": "t",
    "content": "c",
    "disclosure": "공개",
}


def open_conversation(client, rasa: FakeRasa, language="en") -> tuple[str, Container]:  # type: ignore[no-untyped-def]
    rasa.slots = {"language": language}  # the tracker's language is the conversation's
    response = client.post("/api/conversations", json={"language": language})
    return response.json()["conversation_id"], container_of(client.app)


def submit(container: Container, conversation: str, language: str = "en") -> str:
    draft = SubmissionDraft(
        f"{conversation}-k", "general_petition", language, "web", conversation, FIELDS, {}, []
    )
    return container.submissions.submit(draft).receipt_no


def texts(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [m["text"] for m in response.json()["messages"]]


def notice(container: Container, receipt: str, status: str, language: str) -> str:
    return container.notifications.renderer.render(
        receipt, "general_petition", status, language
    ).text


def test_the_receipt_is_not_announced_again_in_the_chat(client, rasa: FakeRasa):
    conversation, container = open_conversation(client, rasa)
    submit(container, conversation)
    reply = client.post(f"/api/conversations/{conversation}/messages", json={"text": "thanks"})
    assert texts(reply) == ["ok"]  # the chat gave the receipt number when it was submitted


def test_a_return_is_told_by_the_correction_only(client, rasa: FakeRasa):
    conversation, container = open_conversation(client, rasa)
    receipt = submit(container, conversation)
    container.submissions.decide(receipt, "return", None, {"title": "?"}, "desk")
    assert client.get(f"/api/conversations/{conversation}").json()["messages"] == []
    reply = client.post(f"/api/conversations/{conversation}/messages", json={"text": "hi"})
    assert rasa.received[-1].startswith("/start_correction")
    assert texts(reply) == ["ok"]
    reply = client.post(f"/api/conversations/{conversation}/messages", json={"text": "hi"})
    assert texts(reply) == ["ok"]
    assert container.notifications.repository.pending_chat(conversation) == []


def test_reopening_the_conversation_shows_the_notice_once_in_its_language(client, rasa: FakeRasa):
    conversation, container = open_conversation(client, rasa, "en")
    receipt = submit(container, conversation)
    container.submissions.decide(receipt, "reject", "Not our office", {}, "desk")
    rasa.slots = {"language": "zh"}  # the citizen switched to Chinese meanwhile
    reopened = client.get(f"/api/conversations/{conversation}")
    assert texts(reopened) == [notice(container, receipt, "rejected", "zh")]
    assert reopened.json()["state"]["language"] == "zh"
    assert client.get(f"/api/conversations/{conversation}").json()["messages"] == []
    reply = client.post(f"/api/conversations/{conversation}/messages", json={"text": "好的"})
    assert texts(reply) == ["ok"]


def test_notices_of_other_conversations_stay_there(client, rasa: FakeRasa):
    mine, container = open_conversation(client, rasa)
    theirs, _ = open_conversation(client, rasa)
    receipt = submit(container, theirs)
    container.submissions.decide(receipt, "approve", None, {}, "desk")
    reply = client.post(f"/api/conversations/{mine}/messages", json={"text": "hi"})
    assert texts(reply) == ["ok"]
    reply = client.post(f"/api/conversations/{theirs}/messages", json={"text": "hi"})
    assert texts(reply) == [notice(container, receipt, "approved", "en"), "ok"]


def test_the_notice_waits_when_the_assistant_is_down(client, rasa: FakeRasa):
    conversation, container = open_conversation(client, rasa)
    receipt = submit(container, conversation)
    container.submissions.decide(receipt, "approve", None, {}, "desk")
    rasa.up = False
    assert (
        client.post(f"/api/conversations/{conversation}/messages", json={"text": "hi"}).status_code
        == 503
    )
    rasa.up = True
    reply = client.post(f"/api/conversations/{conversation}/messages", json={"text": "hi"})
    assert texts(reply)[0] == notice(container, receipt, "approved", "en")


def test_the_status_page_shows_the_history_and_the_reason_in_the_citizens_language(
    client, rasa: FakeRasa
):
    conversation, container = open_conversation(client, rasa, "vi")
    receipt = submit(container, conversation, "vi")
    container.submissions.decide(receipt, "return", None, {"title": "?"}, "desk")
    container.submissions.resubmit(receipt, FIELDS, [])
    container.submissions.decide(receipt, "reject", "Ngoài thẩm quyền", {}, "desk")
    page = client.get(f"/status/{receipt}", params={"token": container.links.token(receipt)})
    assert page.status_code == 200
    html = page.text
    assert "Quá trình xử lý" in html and "Ý kiến của cán bộ" in html and "Ngoài thẩm quyền" in html
    steps = ["Đã tiếp nhận", "Yêu cầu bổ sung", "Bị từ chối"]
    positions = [html.index(step, html.index('class="history"')) for step in steps]
    assert positions == sorted(positions)
    assert 'aria-current="step"' in html and "<time datetime=" in html
