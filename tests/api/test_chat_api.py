from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.api.conftest import FakeRasa


def start(client: TestClient, **body) -> str:
    response = client.post("/api/conversations", json=body or {"language": "en"})
    assert response.status_code == 201, response.text
    return response.json()["conversation_id"]


def test_new_conversation_opens_rasa_with_language_and_channel(client, rasa: FakeRasa):
    response = client.post("/api/conversations", json={"language": "vi", "channel": "kiosk"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"conversation_id", "messages", "state"}
    assert body["messages"] == [
        {"text": "ok", "buttons": None, "sources": None, "attachment": None}
    ]
    assert rasa.received == ['/start_conversation{"language": "vi", "channel": "kiosk"}']


def test_message_round_trip_and_state(client, rasa: FakeRasa):
    conversation = start(client)
    rasa.reply = [{"text": "next", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]
    response = client.post(f"/api/conversations/{conversation}/messages", json={"text": "hello"})
    assert response.status_code == 200
    body = response.json()
    assert body["messages"][0]["buttons"] == [{"title": "Yes", "payload": "/affirm"}]
    assert body["state"] == {
        "language": "ko",
        "active_form": None,
        "requested_slot": None,
        "filled": {},
        "receipt_no": None,
    }
    assert client.get(f"/api/conversations/{conversation}").json()["state"]["language"] == "ko"


def test_a_turn_tells_its_time_in_rasa_and_in_the_app(client, rasa: FakeRasa):
    conversation = start(client)
    rasa.delay = 0.05
    response = client.post(
        f"/api/conversations/{conversation}/messages", json={"text": "my phone is 010-1234-5678"}
    )
    timing = dict(
        part.strip().split(";dur=") for part in response.headers["server-timing"].split(",")
    )
    assert set(timing) == {"app", "rasa"}
    assert float(timing["rasa"]) >= 50 and 0 < float(timing["app"]) < float(timing["rasa"])
    assert "010" not in response.headers["server-timing"]


def test_resident_registration_number_never_reaches_rasa(client, rasa: FakeRasa):
    conversation = start(client)
    client.post(
        f"/api/conversations/{conversation}/messages", json={"text": "제 번호는 900101-1234568"}
    )
    assert "900101" not in rasa.received[-1]
    assert rasa.received[-1].startswith("제 번호는 pii_rrn_")


def test_typed_slash_text_is_not_a_button(client, rasa: FakeRasa):
    conversation = start(client)
    client.post(f"/api/conversations/{conversation}/messages", json={"text": "/affirm"})
    assert rasa.received[-1] == "affirm"


def test_payload_must_name_a_bot_intent(client):
    conversation = start(client)
    url = f"/api/conversations/{conversation}/messages"
    assert client.post(url, json={"payload": "/affirm"}).status_code == 200
    assert client.post(url, json={"payload": "/restart"}).status_code == 422
    assert client.post(url, json={"payload": '/inform{"copies": '}).status_code == 422


def test_malformed_json_is_422(client):
    conversation = start(client)
    response = client.post(
        f"/api/conversations/{conversation}/messages",
        content=b'{"text": "hi"',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422


def test_unknown_fields_are_422(client):
    assert (
        client.post("/api/conversations", json={"language": "en", "admin": True}).status_code == 422
    )
    conversation = start(client)
    response = client.post(
        f"/api/conversations/{conversation}/messages", json={"text": "x", "y": 1}
    )
    assert response.status_code == 422


def test_empty_message_is_422(client):
    conversation = start(client)
    url = f"/api/conversations/{conversation}/messages"
    assert client.post(url, json={}).status_code == 422
    assert client.post(url, json={"text": "   "}).status_code == 422


def test_validation_errors_do_not_echo_input(client):
    conversation = start(client)
    response = client.post(
        f"/api/conversations/{conversation}/messages", json={"text": "900101-1234568", "extra": 1}
    )
    assert response.status_code == 422
    assert "900101" not in response.text


def test_unknown_conversation_is_404(client):
    assert client.post("/api/conversations/nope/messages", json={"text": "hi"}).status_code == 404
    assert client.get("/api/conversations/nope").status_code == 404


def test_oversized_text_is_413(client, settings):
    conversation = start(client)
    text = "가" * (settings.chat.max_text_chars + 1)
    response = client.post(f"/api/conversations/{conversation}/messages", json={"text": text})
    assert response.status_code == 413


def test_oversized_body_is_413(client):
    conversation = start(client)
    response = client.post(
        f"/api/conversations/{conversation}/messages",
        content=b'{"text": "' + b"a" * 70_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


def test_flooding_is_429(client, settings):
    conversation = start(client)
    url = f"/api/conversations/{conversation}/messages"
    codes = [
        client.post(url, json={"text": "hi"}).status_code
        for _ in range(settings.chat.rate_per_conversation + 1)
    ]
    assert codes[:-1] == [200] * settings.chat.rate_per_conversation
    assert codes[-1] == 429


def test_rasa_down_is_503_with_a_clear_message(client, rasa: FakeRasa):
    conversation = start(client)
    rasa.up = False
    response = client.post(f"/api/conversations/{conversation}/messages", json={"text": "hi"})
    assert response.status_code == 503
    assert "again" in response.json()["detail"]


def test_healthz(client, rasa: FakeRasa):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "rasa": "ok"}
    rasa.up = False
    assert client.get("/healthz").json()["rasa"] == "unavailable"


def test_status_needs_the_signed_link(client):
    assert client.get("/api/petitions/MW-20260101-AAAAAA", params={"token": "x"}).status_code == 404


def test_identifier_inside_a_button_payload_is_tokenised_too(client, rasa: FakeRasa):
    conversation = start(client)
    url = f"/api/conversations/{conversation}/messages"
    client.post(url, json={"payload": '/inform{"applicant_rrn": "900101-1234568"}'})
    assert "900101" not in rasa.received[-1] and "pii_rrn_" in rasa.received[-1]


def test_attachment_upload_checks_the_content(client):
    import io

    from PIL import Image

    conversation = start(client)
    url = f"/api/conversations/{conversation}/attachments"
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, "PNG")
    ok = client.post(url, files={"file": ("p.png", image.getvalue(), "image/png")})
    assert ok.status_code == 201 and ok.json()["content_type"] == "image/png"
    fake = client.post(url, files={"file": ("p.jpg", b"not an image", "image/jpeg")})
    assert fake.status_code == 415
    message = client.post(
        f"/api/conversations/{conversation}/messages", json={"attachments": ["nope"]}
    )
    assert message.status_code == 422
    attached = client.post(
        f"/api/conversations/{conversation}/messages",
        json={"attachments": [ok.json()["attachment_id"]]},
    )
    assert attached.status_code == 200


def test_a_returned_petition_is_corrected_before_anything_else(client, rasa: FakeRasa):
    from actions.ports import SubmissionDraft
    from server.app import container_of

    conversation = start(client)
    container = container_of(client.app)
    receipt = container.submissions.submit(
        SubmissionDraft("k1", "resident_registration_copy", "en", "web", conversation, {}, {}, [])
    )
    container.submissions.decide(receipt.receipt_no, "return", None, {"phone": "check"}, "desk")
    client.post(f"/api/conversations/{conversation}/messages", json={"text": "hi again"})
    assert rasa.received[-1] == "/start_correction" + json.dumps({"receipt_no": receipt.receipt_no})
    client.post(f"/api/conversations/{conversation}/messages", json={"text": "hi again"})
    assert rasa.received[-1] == "hi again"  # only once


def test_passport_number_in_free_text_never_reaches_rasa_but_a_receipt_number_does(
    client, rasa: FakeRasa
):
    conversation = start(client)
    url = f"/api/conversations/{conversation}/messages"
    client.post(url, json={"text": "my passport is M12345678, receipt MW-20261121-ABC234"})
    assert "12345678" not in rasa.received[-1]
    assert rasa.received[-1].startswith("my passport is pii_ppt_")
    assert rasa.received[-1].endswith(", receipt MW-20261121-ABC234")
