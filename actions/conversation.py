"""Reading the tracker: language, the petition in progress and the values given so far."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from actions import slots
from forms.catalog import Petition
from forms.languages import Language, normalise_language


def language(tracker: Tracker) -> Language:
    return normalise_language(tracker.get_slot(slots.LANGUAGE))


def values(tracker: Tracker, petition: Petition) -> dict[str, Any]:
    return {f.id: tracker.get_slot(f.id) for f in petition.fields}


def intent(tracker: Tracker) -> tuple[str, float]:
    latest = tracker.latest_message.get("intent") or {}
    return latest.get("name") or "", float(latest.get("confidence") or 0.0)


def entity(tracker: Tracker, name: str) -> str | None:
    for item in tracker.latest_message.get("entities") or []:
        if item.get("entity") == name and item.get("value") not in (None, ""):
            return str(item["value"])
    return None


def digressing(tracker: Tracker, also: frozenset[str] = frozenset()) -> bool:
    """The NLU is confident the message goes elsewhere (a question, cancel, another language …)
    rather than answering what was asked."""
    name, confidence = intent(tracker)
    return name in slots.DIGRESSIONS | also and confidence >= slots.DIGRESSION_CONFIDENCE


def user_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def is_payload(tracker: Tracker) -> bool:
    return bool(re.match(r"^/\w", user_text(tracker)))


def attachments(tracker: Tracker) -> list[str]:
    """Attachment ids the app passed with the latest message (in its metadata)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            ids = (event.get("metadata") or {}).get("attachments") or []
            return [str(i) for i in ids]
    return []


def transcript(tracker: Tracker) -> list[dict[str, Any]]:
    """The conversation as staff read it (identifiers are tokens here, never plain)."""
    lines = []
    for event in tracker.events:
        if event.get("event") == "user":
            lines.append(
                {"who": "citizen", "text": event.get("text") or "", "at": event.get("timestamp")}
            )
        elif event.get("event") == "bot" and event.get("text"):
            lines.append({"who": "bot", "text": event["text"], "at": event.get("timestamp")})
    return lines


def citizen_just_spoke(tracker: Tracker) -> bool:
    """True when the latest thing that happened is the citizen's message (the form is being
    answered), false when the form runs again after another action (a digression's answer,
    the petition's start). Rasa hands form validation a tracker ending in the form's own
    action event and slot events, which are skipped."""
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return True
        if kind == "action" and event.get("name") not in (
            tracker.active_loop_name,
            tracker.get_slot("petition") and f"{tracker.get_slot('petition')}_form",
            "action_listen",
        ):
            return False
    return False
