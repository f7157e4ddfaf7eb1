"""Walking a petition form with the real bot: the example answers of every field, buttons for
closed choices, camera photos for reports."""

from __future__ import annotations

from datetime import datetime, timedelta

from forms.catalog import default_catalog
from tests.citizen import Citizen
from tests.conversations.phrases import APPLY
from tests.fixtures.petitions import EXAMPLES
from tests.fixtures.photos import camera_jpeg


def start(citizen: Citizen, petition_id: str, language: str) -> None:
    citizen.say(APPLY[petition_id][language])
    assert citizen.state["active_form"] == petition_id, (
        APPLY[petition_id][language],
        citizen.messages,
    )


def answer(citizen: Citizen, petition_id: str, overrides: dict[str, str] | None = None) -> None:
    """Answers the field the bot asks for with the example answer (or an override)."""
    field = default_catalog().petition(petition_id).field(citizen.asking)
    value = (overrides or {}).get(field.id, EXAMPLES[petition_id][field.id])
    if field.type == "choice":
        payload = "/inform" + '{"%s": "%s"}' % (field.id, value)  # noqa: UP031
        citizen.press(payload)
    elif field.type == "photos":
        now = datetime.now().replace(microsecond=0)
        ids = [
            citizen.upload(camera_jpeg(now - timedelta(minutes=2 * (len(value) - i))))
            for i in range(len(value))
        ]
        citizen.attach(ids)
    else:
        citizen.say(str(value))


def fill_until(
    citizen: Citizen, petition_id: str, slot: str | None, overrides=None, limit: int = 20
) -> None:
    """Answers until the bot asks for ``slot`` (None: until the summary is answered)."""
    for _ in range(limit):
        if citizen.asking == slot or citizen.asking in (None, "confirmation"):
            return
        before = citizen.asking
        answer(citizen, petition_id, overrides)
        assert citizen.asking != before or citizen.asking is None, (before, citizen.messages)
    raise AssertionError(f"never reached {slot}")
