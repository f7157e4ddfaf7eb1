"""Faults injected into the real system: the app SIGKILLed at moments around a submission, a
double click on "submit", the LLM missing. Nothing is lost or duplicated, the citizen's retry
completes the petition, and the form goes on without the LLM. Rasa restarted mid-conversation
is tests/conversations/resume. The figures go to benchmarks/results/faults.json."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from forms.catalog import default_catalog
from server.settings import ROOT
from server.store.models import Submission
from tests.citizen import Citizen
from tests.conversations.flows import fill_until, start
from tests.conversations.helpers import stored
from tests.fixtures.petitions import EXAMPLES

PETITION = "resident_registration_copy"
RESULTS = ROOT / "benchmarks" / "results" / "faults.json"


def submissions_of(stack, conversation_id: str) -> list[Submission]:  # type: ignore[no-untyped-def]
    with stack.db().session() as session:
        rows = session.scalars(
            select(Submission).where(Submission.conversation_id == conversation_id)
        ).all()
        session.expunge_all()
        return list(rows)


def record(kind: str, **figures: object) -> None:
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data[kind] = {**figures, "measured_at": datetime.now(UTC).isoformat(timespec="seconds")}
    RESULTS.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def press_submit(citizen: Citizen, outcome: dict[str, object]) -> None:
    try:
        response = citizen.http.post(
            f"/api/conversations/{citizen.id}/messages", json={"payload": "/affirm"}
        )
        outcome["status"] = response.status_code
    except httpx.HTTPError as exc:  # the app died under the request
        outcome["error"] = type(exc).__name__


def test_app_killed_around_a_submission_loses_and_duplicates_nothing(stack):
    petition = default_catalog().petition(PETITION)
    required = {f.id for f in petition.fields if f.required}
    outcomes = []
    for delay in (0.0, 0.05, 0.15, 0.3, 0.6, 1.2):
        citizen = Citizen(stack.url, "ko")
        start(citizen, PETITION, "ko")
        fill_until(citizen, PETITION, None)
        outcome: dict[str, object] = {"delay": delay}
        sender = threading.Thread(target=press_submit, args=(citizen, outcome))
        sender.start()
        time.sleep(delay)
        stack.kill_app()
        sender.join()
        stack.start_app()

        # Whole or absent: never a half-written submission.
        rows = submissions_of(stack, citizen.id)
        assert len(rows) <= 1
        outcome["stored_before_retry"] = len(rows)
        for row in rows:
            assert required <= set(row.fields), row.fields
            assert row.fields["applicant_name"] == EXAMPLES[PETITION]["applicant_name"]

        # The citizen's retry: the state says where they are; pressing submit again finishes.
        back = Citizen(stack.url, "ko", conversation_id=citizen.id)
        if back.state["receipt_no"] is None:
            assert back.state["requested_slot"] == "confirmation", back.state
            back.send_payload("/affirm")
        receipt_no = back.state["receipt_no"]
        assert receipt_no, back.messages
        rows = submissions_of(stack, citizen.id)
        assert [r.receipt_no for r in rows] == [receipt_no]
        submission, vault = stored(stack, receipt_no)
        assert (
            vault.reveal(submission.fields["applicant_rrn"]) == EXAMPLES[PETITION]["applicant_rrn"]
        )
        outcomes.append(outcome)
    # The kills landed before, during and after the submission was stored.
    record(
        "app_sigkill_around_submission",
        faults_injected=len(outcomes),
        stored_before_retry=sum(int(o["stored_before_retry"]) for o in outcomes),
        records_lost=0,
        duplicates=0,
        outcomes=outcomes,
    )


def test_double_click_on_submit_files_once(stack):
    citizen = Citizen(stack.url, "en")
    start(citizen, PETITION, "en")
    fill_until(citizen, PETITION, None)
    outcomes: list[dict[str, object]] = [{}, {}]
    clicks = [threading.Thread(target=press_submit, args=(citizen, o)) for o in outcomes]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    assert all(o.get("status") == 200 for o in outcomes), outcomes
    rows = submissions_of(stack, citizen.id)
    assert len(rows) == 1
    record("double_submit", faults_injected=1, submissions=len(rows), duplicates=0)


def test_without_its_llm_the_assistant_answers_from_the_sources_and_the_form_goes_on(stack):
    stack.kill_app()
    stack.env["MINWON_KNOWLEDGE__LLM"] = str(stack.var / "missing-model.gguf")
    try:
        stack.start_app()
        citizen = Citizen(stack.url, "ko")
        start(citizen, PETITION, "ko")
        fill_until(citizen, PETITION, "phone")
        citizen.say("등본 수수료가 얼마예요?")
        answer = citizen.messages[0]
        assert "400" in answer["text"] and answer.get("sources"), citizen.messages
        assert citizen.asking == "phone"  # the form asks its question again
        fill_until(citizen, PETITION, None)
        citizen.press("/affirm")
        assert citizen.state["receipt_no"]
        record("llm_missing", faults_injected=1, answered_from_sources=True, form_completed=True)
    finally:
        stack.kill_app()
        del stack.env["MINWON_KNOWLEDGE__LLM"]
        stack.start_app()
