"""/webhook and /nlg as Rasa 3.6 calls them (the request shape of rasa/core/actions/action.py)."""

from __future__ import annotations


def action_call(
    action: str, slots: dict, user_text: str, intent: str, events: list | None = None
) -> dict:
    latest = {"text": user_text, "intent": {"name": intent, "confidence": 0.99}, "entities": []}
    return {
        "next_action": action,
        "sender_id": "c1",
        "version": "3.6.21",
        "domain": {"slots": {}, "forms": {}},
        "tracker": {
            "sender_id": "c1",
            "slots": slots,
            "latest_message": latest,
            "events": events or [{"event": "user", "text": user_text, "parse_data": latest}],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": "resident_registration_copy_form"},
            "latest_action_name": "resident_registration_copy_form",
            "latest_event_time": 0,
        },
    }


def test_webhook_validates_an_answer_and_asks_the_next_field(client):
    slots = {"requested_slot": "phone", "petition": "resident_registration_copy", "language": "en"}
    response = client.post(
        "/webhook",
        json=action_call(
            "validate_resident_registration_copy_form", slots, "010 5555 0101", "inform"
        ),
    )
    assert response.status_code == 200
    events = {
        (e["name"], str(e["value"])) for e in response.json()["events"] if e["event"] == "slot"
    }
    assert ("phone", "+821055550101") in events
    assert ("requested_slot", "applicant_name") in events


def test_webhook_explains_an_invalid_answer(client):
    slots = {"requested_slot": "phone", "petition": "resident_registration_copy", "language": "en"}
    body = client.post(
        "/webhook",
        json=action_call("validate_resident_registration_copy_form", slots, "12345", "inform"),
    ).json()
    assert body["responses"][0]["response"] == "utter_invalid_value"
    assert body["responses"][0]["code"] == "phone.format"
    assert {"event": "slot", "timestamp": None, "name": "phone", "value": None} in body["events"]


def test_webhook_returns_no_slot_for_a_digression(client):
    slots = {
        "requested_slot": "applicant_name",
        "petition": "resident_registration_copy",
        "language": "en",
    }
    body = client.post(
        "/webhook",
        json=action_call(
            "validate_resident_registration_copy_form", slots, "how much is it", "ask_question"
        ),
    ).json()
    assert body["events"] == [] and body["responses"] == []


def test_unknown_action_is_404(client):
    assert (
        client.post("/webhook", json=action_call("action_nope", {}, "x", "inform")).status_code
        == 404
    )


def test_nlg_answers_in_the_tracker_language(client):
    body = {
        "response": "utter_goodbye",
        "arguments": {},
        "tracker": {"slots": {"language": "zh"}},
        "channel": {"name": "rest"},
    }
    assert client.post("/nlg", json=body).json() == {"text": "感谢您的使用，祝您一天愉快。"}


def test_malformed_bodies_from_rasa_are_400_not_500(client):
    for path, body in (
        ("/nlg", {"response": "utter_greet", "arguments": 5}),
        ("/nlg", {"response": "utter_greet", "tracker": {"slots": 5}}),
        ("/nlg", {"response": "utter_greet", "tracker": 3}),
        ("/webhook", {"next_action": "action_submit_petition", "tracker": 3}),
        ("/webhook", {"tracker": {}}),
    ):
        assert client.post(path, json=body).status_code == 400, (path, body)
