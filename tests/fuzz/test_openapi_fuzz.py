"""Fuzz the HTTP API from its own OpenAPI schema (schemathesis): every operation anonymously,
the staff API again signed in as an administrator, with valid and invalid (negative) data.
No answer may be a server error, and every answer must match its declared schema.

The app runs in-process with a fake Rasa, a throw-away database and no language model, so the
file needs nothing running. What ran is counted into benchmarks/results/fuzz.json (conftest.py).
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.core.result import Ok

from knowledge.guard import MAX_QUESTION_CHARS
from server.app import container_of, create_app
from server.deps import STAFF_COOKIE
from server.settings import (
    AppSection,
    ChatSection,
    KnowledgeSection,
    PiiSection,
    RasaSection,
    Settings,
)
from tests.api.conftest import FakeRasa
from tests.fixtures.photos import camera_jpeg
from tests.fixtures.submissions import DETAIL_MISSING, examples, file_submission
from tests.fuzz.conftest import FuzzStats

PASSWORD = "correct horse battery staple"
EXAMPLES_PER_OPERATION = 60
MAX_TEXT_CHARS = max(ChatSection().max_text_chars, MAX_QUESTION_CHARS)

# A fixed number of generated examples per operation, the same ones on every run (CI). The
# schema's explicit examples and schemathesis' coverage phase (boundary values, each
# constraint broken in turn) come on top of these.
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def _settings(var_dir: Path) -> Settings:
    """Those of tests/conftest.py's `settings` (a throw-away installation, hashing embedder, no
    language model), without the per-minute limits: they would answer most of the run with 429
    and keep the fuzzer from the handlers behind them (the limiter has its own tests)."""
    return Settings(
        app=AppSection(var_dir=var_dir, public_url="http://testserver"),
        pii=PiiSection(key=base64.b64encode(os.urandom(32)).decode()),
        rasa=RasaSection(url="http://127.0.0.1:9", token="test-token"),
        knowledge=KnowledgeSection(embedder="hashing", llm="none", warm_up=False),
        chat=ChatSection(rate_per_conversation=10**6, rate_per_client=10**6),
    )


@dataclass
class Target:
    """The app under test and the real ids seeded into it (by the `seeded` fixture)."""

    app: FastAPI
    conversation_id: str = ""
    receipts: list[str] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    admin: str = "fuzz-admin"
    reviewer: str = "fuzz-reviewer"
    session: str = ""
    csrf: str = ""

    def staff_session(self) -> tuple[dict[str, str], dict[str, str]]:
        """Cookies and headers of a live admin session; signs in again after a fuzzed
        logout, under a fresh account if the fuzzer locked the current one out."""
        staff = container_of(self.app).staff
        if not self.session or staff.identity(self.session) is None:
            signed_in = staff.login(self.admin, PASSWORD)
            if signed_in is None:
                self.admin = f"fuzz-admin-{len(staff.accounts())}"
                staff.create(self.admin, PASSWORD, "admin")
                signed_in = staff.login(self.admin, PASSWORD)
            assert signed_in is not None
            self.session, identity = signed_in
            self.csrf = identity.csrf_token
        return {STAFF_COOKIE: self.session}, {"X-CSRF-Token": self.csrf}


# Schemathesis' pytest integration needs the schema at import time (its fixture-based loader
# does not run on pytest 9.2), so the app and its throw-away var dir are made here; the data
# comes in the `seeded` fixture, so that collecting the suite stays fast.
_VAR = tempfile.TemporaryDirectory(prefix="minwon-fuzz-")
TARGET = Target(create_app(_settings(Path(_VAR.name) / "var"), rasa=FakeRasa()))
schema = schemathesis.openapi.from_asgi("/openapi.json", TARGET.app)
# Valid and invalid data both: malformed bodies, wrong types, missing and broken fields.
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@pytest.fixture(scope="module", autouse=True)
def seeded() -> Iterator[Target]:
    """Staff accounts, two submissions (one with photos), an open conversation, and a warm
    knowledge base (its first load would outlast a request's timeout)."""
    container = container_of(TARGET.app)
    container.staff.create(TARGET.admin, PASSWORD, "admin")
    container.staff.create(TARGET.reviewer, PASSWORD, "reviewer")

    container.conversations.create("fuzz-copy", "en", "web")
    rrn = container.vault.tokenize("fuzz-copy", "rrn", "900101-1234568")
    copy = file_submission(
        container,
        "resident_registration_copy",
        "fuzz-copy",
        language="en",
        fields=examples("resident_registration_copy", applicant_rrn=rrn),
        warnings=DETAIL_MISSING,
        transcript=[{"who": "citizen", "text": f"my number is {rrn}"}],
    )

    container.conversations.create("fuzz-park", "ko", "kiosk")
    now = datetime(2026, 11, 21, 14, 0)
    photos = [
        container.attachments.add("fuzz-park", "image/jpeg", camera_jpeg(now + delta), now + delta)
        for delta in (timedelta(0), timedelta(minutes=2))
    ]
    parking = file_submission(
        container,
        "illegal_parking_report",
        "fuzz-park",
        channel="kiosk",
        fields=examples("illegal_parking_report", photos=photos),
    )

    container.conversations.create("fuzz-chat", "en", "web")  # its messages go to FakeRasa
    container.knowledge.warm_up()
    container.knowledge.ask("How do I get a copy of my resident registration?", "en", None)

    TARGET.conversation_id = "fuzz-chat"
    TARGET.receipts = [copy, parking]
    TARGET.photos = photos
    yield TARGET
    _VAR.cleanup()


def _long(words: str) -> str:
    """Past the routes' length limits (chat text, knowledge question): their 413."""
    return words * (MAX_TEXT_CHARS // len(words) + 1)


def _steer(target: Target, case: Case, use: dict[str, Any]) -> Case:
    """Point some generated cases at what exists, so that the fuzzer also reaches the code
    behind the 404s and 422s: a real conversation, receipt (with its status-link token),
    photo or account; a coherent chat message (text, a button payload, a broken one); now and
    then a text or question past its length limit. The choices are drawn by Hypothesis, so
    they shrink and replay with the rest of the case."""
    body = case.body
    if use["message"] and isinstance(body, dict) and case.operation.path.endswith("/messages"):
        # A message carries text or a payload, never both, and attachments only by the ids
        # an upload gave (UserMessage, post_message): one coherent message of the words.
        generated = (body.get("text"), body.get("payload"))
        words = next((w for w in generated if isinstance(w, str) and w.strip()), use["words"])
        if words.strip():
            intent = min(container_of(target.app).chat.allowed_intents)
            case.body = {
                "text": {"text": _long(words) if use["too_long"] else words},
                "button": {"payload": f"/{intent}" + json.dumps({"value": words})},
                "broken button": {"payload": f"/{intent}{{{words}}}"},
            }[use["message_kind"]]
    question = body.get("question") if isinstance(body, dict) else None
    if use["too_long"] and isinstance(body, dict) and isinstance(question, str):
        case.body = {**body, "question": _long(question or use["words"])}

    path = case.path_parameters
    if path is None:
        return case
    if (use["conversation"] or use["message"]) and "conversation_id" in path:
        path["conversation_id"] = target.conversation_id
    if use["receipt"] and "receipt_no" in path:
        receipt = target.receipts[use["which_receipt"]]
        path["receipt_no"] = receipt
        if use["token"] and case.query is not None and "token" in case.query:
            case.query["token"] = container_of(target.app).links.token(receipt)
        if use["photo"] and "attachment_id" in path:
            path["receipt_no"] = target.receipts[1]
            path["attachment_id"] = target.photos[0]
    if use["account"] and "username" in path:
        path["username"] = target.reviewer
    return case


@schema.hook
def flatmap_case(context: schemathesis.HookContext, case: Case) -> st.SearchStrategy[Case]:
    choices = st.fixed_dictionaries(
        {
            **{
                flag: st.booleans()
                for flag in ("conversation", "receipt", "token", "photo", "account", "message")
            },
            "which_receipt": st.sampled_from([0, 1]),
            "message_kind": st.sampled_from(["text", "button", "broken button"]),
            "too_long": st.integers(0, 9).map(lambda n: n == 9),  # rarely: the least is 0
            "words": st.text(min_size=1, max_size=300),
        }
    )
    return choices.map(lambda use: _steer(TARGET, case, use))


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def no_echo_in_citizen_errors(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Case
) -> bool | None:
    """A citizen's refused input is never repeated in the answer: it may hold personal data
    (app.py's 422 handler drops pydantic's `input`; the routes' details are fixed sentences)."""
    if not 400 <= response.status_code < 500 or case.operation.path.startswith("/api/staff/"):
        return None
    try:
        answer = list(_strings(response.json()))
    except ValueError:
        answer = [response.text]
    sent = [case.body, case.query, case.path_parameters]
    for value in (s for s in _strings(sent) if len(s.strip()) >= 8):
        assert not any(value in text for text in answer), "the answer repeats the input"
    return None


def schema_conformance(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Case
) -> bool | None:
    """Every answer whose schema is declared matches it, but for one known difference: the
    schema FastAPI generates documents only its own 422 (`detail`, a list of validation errors,
    see app.py), while the routes' own 422s (unknown attachment or petition, empty question,
    bad dates, a decision that cannot be made) carry one short sentence, like their 404s."""
    if response.status_code == 422:
        try:
            detail = response.json().get("detail")
        except (ValueError, AttributeError):
            detail = None
        if isinstance(detail, str):
            assert 0 < len(detail) <= 200, detail
            return None
    return schemathesis.checks.response_schema_conformance(ctx, response, case)  # type: ignore[no-any-return]


# Checks on every answer. Not `status_code_conformance`: the routes document 200/201 and 422
# only, while their 401, 403, 404, 409, 413 and 415 are deliberate, clear answers that FastAPI
# leaves out of the schema. Not the negative/positive data acceptance checks: the API checks
# more than the schema says (a known petition, a message needs text or a payload, a readable
# photo), and a malformed id in a path is simply an unknown id (404).
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schema_conformance,
    schemathesis.checks.content_type_conformance,
    no_echo_in_citizen_errors,
]


def _mode(case: Case) -> str:
    """positive / negative for generated cases; explicit for schema examples."""
    meta = getattr(case, "_meta", None)  # no public accessor in schemathesis 4
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    return mode.value if isinstance(mode, GenerationMode) else "explicit"


def _call(stats: FuzzStats, identity: str, case: Case) -> None:
    cookies, headers = TARGET.staff_session() if identity == "staff" else ({}, {})
    # The operation, also for the coverage phase's probes with methods it does not allow.
    operation = case.operation.label
    try:
        response = case.call(headers=headers, cookies=cookies)
    except Exception:  # the in-process transport raises what the app did not handle: a 500
        stats.record(identity, operation, 500, _mode(case))
        raise
    stats.record(identity, operation, response.status_code, _mode(case))
    case.validate_response(response, checks=CHECKS, headers=headers)


@schema.parametrize()
@FUZZ_SETTINGS
def test_anonymous(case: Case, fuzz_stats: FuzzStats) -> None:
    _call(fuzz_stats, "anonymous", case)


@schema.include(path_regex="^/api/staff/").parametrize()
@FUZZ_SETTINGS
def test_signed_in_staff(case: Case, fuzz_stats: FuzzStats) -> None:
    _call(fuzz_stats, "staff", case)


def test_every_operation_was_fuzzed(fuzz_stats: FuzzStats) -> None:
    """Both passes reached every operation of the schema (and so the report is complete)."""
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), "the schema has invalid operations"
    every = {result.ok().label for result in results if isinstance(result, Ok)}
    staff = {label for label in every if label.split(" ", 1)[1].startswith("/api/staff/")}
    if not fuzz_stats.operations or os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("the fuzz tests did not all run in this process")
    assert fuzz_stats.operations.get("anonymous", set()) == every
    assert fuzz_stats.operations.get("staff", set()) == staff
    assert fuzz_stats.server_errors == []
    fuzz_stats.finished = True
