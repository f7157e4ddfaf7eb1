"""The back-office hand-off: outbox rows written with the decision, the package (checked against
its published JSON Schema), the signature, the folder adapter's atomic writes, and the worker's
outcomes (done with an acknowledgement, retried, failed)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError
from pypdf import PdfReader
from sqlalchemy import func, select

from server.documents import submission_html
from server.handoff_adapters import (
    DELIVERY_HEADER,
    SCHEMA_HEADER,
    SIGNATURE_HEADER,
    DeliveryFailed,
    FolderAdapter,
    HttpAdapter,
    signature,
)
from server.handoff_package import SCHEMA_ID, DeliveryRef, Package
from server.review import Decision, DecisionError
from server.settings import ROOT, HandoffSection, HandoffTarget, Settings
from server.store.models import AuditEntry, Delivery, Submission
from tests.fixtures.handoff import (
    PASSPORT,
    REVIEWER,
    RRN,
    decide,
    installation,
    submit_certificate,
    submit_parking_report,
    with_targets,
)

SCHEMA = json.loads((ROOT / "docs/handoff/minwon.handoff-1.schema.json").read_text("utf-8"))


def http_target(name: str = "erp") -> HandoffTarget:
    return HandoffTarget(name=name, kind="http", url="http://127.0.0.1:9/in", secret="s3cret")


def folder_target(folder: Path, name: str = "files") -> HandoffTarget:
    return HandoffTarget(name=name, kind="folder", folder=folder)


def rows(container) -> list[Delivery]:  # type: ignore[no-untyped-def]
    with container.db.session() as session:
        found = list(session.scalars(select(Delivery).order_by(Delivery.id)))
        session.expunge_all()
        return found


# --- settings -------------------------------------------------------------------------------


def test_targets_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(
        "MINWON_HANDOFF__TARGETS",
        '[{"name":"erp","kind":"http","url":"https://erp.city.go.kr/in","secret":"hunter22"},'
        '{"name":"files","kind":"folder","folder":"/srv/minwon/outbox"}]',
    )
    monkeypatch.setenv("MINWON_HANDOFF__EVENTS", '["approved","rejected"]')
    section = Settings().handoff
    assert [(t.name, t.kind) for t in section.targets] == [("erp", "http"), ("files", "folder")]
    assert section.targets[0].secret.get_secret_value() == "hunter22"
    assert "hunter22" not in repr(section)  # the secret never reaches a log line
    assert section.events == ["approved", "rejected"]
    assert Settings.model_fields["handoff"].default_factory().targets == []  # type: ignore[misc]


@pytest.mark.parametrize(
    "targets",
    [
        [{"name": "erp", "kind": "http", "url": "https://erp/in"}],  # no secret
        [{"name": "erp", "kind": "http", "url": "ftp://erp/in", "secret": "k"}],
        [{"name": "files", "kind": "folder"}],  # no folder
        [
            {"name": "a", "kind": "folder", "folder": "/x"},
            {"name": "a", "kind": "folder", "folder": "/y"},
        ],
    ],
)
def test_incomplete_targets_are_refused(targets):
    with pytest.raises(ValidationError):
        HandoffSection(targets=targets)


# --- the listener: outbox rows in the decision's transaction ----------------------------------


def test_an_approval_adds_one_row_per_target_and_a_second_decision_adds_none(settings, tmp_path):
    container = installation(with_targets(settings, http_target(), folder_target(tmp_path)))
    receipt_no = submit_certificate(container)
    assert rows(container) == []  # a submission is not a decision
    decide(container, receipt_no)
    found = rows(container)
    assert sorted((r.receipt_no, r.event, r.target, r.state) for r in found) == [
        (receipt_no, "approved", "erp", "pending"),
        (receipt_no, "approved", "files", "pending"),
    ]
    with pytest.raises(DecisionError):
        decide(container, receipt_no, "reject")
    assert len(rows(container)) == 2
    # Even a listener run twice in one transaction cannot duplicate a row.
    with container.db.session() as session:
        row = session.scalar(select(Submission).where(Submission.receipt_no == receipt_no))
        container.handoff.listener(session, row)
        container.handoff.listener(session, row)
    assert len(rows(container)) == 2


def test_rejections_are_handed_off_only_by_setting(settings, tmp_path):
    default = installation(with_targets(settings, folder_target(tmp_path)))
    decide(default, submit_certificate(default), "reject")
    assert rows(default) == []

    everything = with_targets(settings, folder_target(tmp_path), events=["approved", "rejected"])
    container = installation(everything)
    receipt_no = submit_certificate(container, "c9")
    decide(container, receipt_no, "reject")
    assert [(r.event, r.target) for r in rows(container)] == [("rejected", "files")]


def test_returns_and_resubmissions_are_not_handed_off(settings, tmp_path):
    container = installation(with_targets(settings, folder_target(tmp_path)))
    receipt_no = submit_certificate(container)
    container.review.decide(
        receipt_no, Decision("return", None, {"purpose": "더 자세히"}), REVIEWER
    )
    container.submissions.resubmit(receipt_no, container.submissions.get(receipt_no).fields, [])
    assert rows(container) == []


def test_no_targets_no_rows(settings):
    container = installation(settings)
    decide(container, submit_certificate(container))
    assert rows(container) == []


def test_the_row_commits_with_the_decision_or_not_at_all(settings, tmp_path):
    container = installation(with_targets(settings, folder_target(tmp_path)))
    receipt_no = submit_certificate(container)

    def broken(session, row):  # type: ignore[no-untyped-def]
        raise RuntimeError("a later listener failed")

    container.submissions.listeners.append(broken)
    with pytest.raises(RuntimeError):
        decide(container, receipt_no)
    assert rows(container) == []
    assert container.submissions.get(receipt_no).status == "submitted"


# --- the package ----------------------------------------------------------------------------


def _package(container, receipt_no: str) -> tuple[Delivery, dict]:  # type: ignore[no-untyped-def]
    row = rows(container)[0]
    ref = DeliveryRef(row.id, row.receipt_no, row.event, row.target, row.created_at)
    package = container.handoff.worker.builder.build(ref)
    assert (package.delivery_id, package.receipt_no, package.event) == (
        row.id,
        receipt_no,
        "approved",
    )
    return row, json.loads(package.body)


def test_the_package_is_the_staff_copy_and_matches_its_schema(settings, tmp_path):
    container = installation(with_targets(settings, folder_target(tmp_path)))
    receipt_no = submit_certificate(container)
    decide(container, receipt_no)
    row, document = _package(container, receipt_no)

    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(document)
    assert set(document) == set(SCHEMA["properties"])  # nothing undocumented, nothing missing
    for value in document["fields"].values():
        assert set(value) == set(SCHEMA["$defs"]["field"]["properties"])

    assert document["schema"] == SCHEMA_ID
    assert document["delivery_id"] == row.id
    assert document["petition"] == {
        "id": "resident_registration_copy",
        "title": "주민등록표 등본·초본 발급",
    }
    assert (document["event"], document["decided_by"], document["decision_reason"]) == (
        "approved",
        REVIEWER.username,
        None,
    )
    assert (document["language"], document["channel"]) == ("en", "web")
    decided = container.submissions.get(receipt_no).updated_at
    assert datetime.fromisoformat(document["decided_at"]) == decided.replace(tzinfo=UTC)
    # Identifiers whole, as on the staff copy — also one typed into free text.
    fields = document["fields"]
    assert fields["applicant_rrn"] == {
        "label": "신청인 주민등록번호",
        "type": "rrn",
        "personal": "identifier",
        "value": RRN,
        "text": RRN,
    }
    assert fields["purpose"]["value"] == f"bank account (passport {PASSPORT})"
    assert (
        fields["phone"]["value"] == "+821012345678" and fields["phone"]["text"] == "010-1234-5678"
    )
    assert "pii_" not in json.dumps(document)
    assert document["warnings"] == [
        {
            "field": "address",
            "code": "address.detail_missing",
            "text": document["warnings"][0]["text"],
        }
    ]
    assert "동·호수" in document["warnings"][0]["text"]
    # The staff copy PDF, whole, with its checksum.
    pdf = base64.b64decode(document["document"]["data"])
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == document["document"]["sha256"]
    assert document["document"]["filename"] == f"{receipt_no}.pdf"
    assert document["photos"] == []
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert RRN in text and PASSPORT in text and "pii_" not in text


def test_identifiers_in_free_text_are_whole_on_the_staff_copy_only(settings):
    container = installation(settings)
    submission = container.submissions.get(submit_certificate(container))
    staff = submission_html(submission, container.catalog, container.vault, "staff")
    citizen = submission_html(submission, container.catalog, container.vault, "citizen")
    assert PASSPORT in staff and "pii_" not in staff
    assert PASSPORT not in citizen and RRN not in citizen and "pii_" not in citizen


def test_a_report_carries_its_photos(settings, tmp_path):
    container = installation(with_targets(settings, folder_target(tmp_path)))
    receipt_no, first = submit_parking_report(container)
    decide(container, receipt_no)
    _, document = _package(container, receipt_no)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    photos = document["photos"]
    assert [p["id"] for p in photos] == document["fields"]["photos"]["value"]
    assert base64.b64decode(photos[0]["data"]) == first
    assert photos[0]["sha256"] == hashlib.sha256(first).hexdigest()
    assert (photos[0]["field"], photos[0]["content_type"], photos[0]["taken_at"]) == (
        "photos",
        "image/jpeg",
        "2026-11-21T14:30:00",
    )
    assert document["fields"]["photos"]["text"] == "2"


# --- signature ------------------------------------------------------------------------------


def test_the_signature_is_the_hmac_sha256_of_the_body():
    # RFC 4231, test case 2.
    assert signature(b"Jefe", b"what do ya want for nothing?") == (
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    body = json.dumps({"schema": SCHEMA_ID, "delivery_id": 7}).encode()
    headers = HttpAdapter("http://x/in", b"k3y", 5).headers(
        Package(7, "MW-X", "approved", body, b"")
    )
    expected = "sha256=" + hmac.new(b"k3y", body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == expected
    assert headers[DELIVERY_HEADER] == "7"
    assert headers[SCHEMA_HEADER] == "minwon.handoff/1"
    other = HttpAdapter("http://x/in", b"other", 5).headers(
        Package(7, "MW-X", "approved", body, b"")
    )
    assert other[SIGNATURE_HEADER] != expected


def test_http_connection_errors_are_delivery_failures():
    adapter = HttpAdapter("http://127.0.0.1:9/in", b"k", 2)  # the discard port: refused
    with pytest.raises(DeliveryFailed, match="connection failed"):
        adapter.deliver(Package(1, "MW-X", "approved", b"{}", b""))


# --- the folder adapter ---------------------------------------------------------------------

PACKAGE = Package(3, "MW-20261122-ABCDEF", "approved", b'{"delivery_id": 3}', b"%PDF-1.7 fake")


def test_the_folder_gets_the_pdf_then_the_json_renamed_into_place(tmp_path, monkeypatch):
    folder = tmp_path / "outbox"
    renamed: list[str] = []
    real_replace = os.replace

    def replace(source, target):  # type: ignore[no-untyped-def]
        assert Path(source).parent == folder and Path(source).name.startswith(".")
        assert Path(source).read_bytes() in (PACKAGE.pdf, PACKAGE.body)  # whole before the rename
        renamed.append(Path(target).name)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    acknowledgement = FolderAdapter(folder).deliver(PACKAGE)
    assert acknowledgement == "MW-20261122-ABCDEF-approved.json"
    assert renamed == ["MW-20261122-ABCDEF-approved.pdf", "MW-20261122-ABCDEF-approved.json"]
    assert sorted(p.name for p in folder.iterdir()) == renamed[::-1]  # no temporary files left
    assert (folder / acknowledgement).read_bytes() == PACKAGE.body
    assert (folder / "MW-20261122-ABCDEF-approved.pdf").read_bytes() == PACKAGE.pdf


def test_an_interrupted_write_leaves_no_json_and_no_debris(tmp_path, monkeypatch):
    folder = tmp_path / "outbox"
    real_replace = os.replace

    def replace(source, target):  # type: ignore[no-untyped-def]
        if str(target).endswith(".json"):
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(DeliveryFailed, match="No space left"):
        FolderAdapter(folder).deliver(PACKAGE)
    assert [p.name for p in folder.iterdir()] == ["MW-20261122-ABCDEF-approved.pdf"]
    assert not list(folder.glob("*.json"))  # an importer sees nothing to import yet

    monkeypatch.setattr(os, "replace", real_replace)  # the retry completes the package
    FolderAdapter(folder).deliver(PACKAGE)
    assert sorted(p.name for p in folder.iterdir()) == [
        "MW-20261122-ABCDEF-approved.json",
        "MW-20261122-ABCDEF-approved.pdf",
    ]


def test_an_unwritable_folder_is_a_delivery_failure(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DeliveryFailed, match="cannot write"):
        FolderAdapter(blocker / "outbox").deliver(PACKAGE)


# --- the worker -----------------------------------------------------------------------------


class Recorder:
    def __init__(self, *outcomes: object) -> None:
        self.outcomes = list(outcomes)
        self.packages: list[Package] = []

    def deliver(self, package: Package) -> str | None:
        self.packages.append(package)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome  # type: ignore[return-value]


def test_the_worker_retries_then_records_the_acknowledgement(settings, tmp_path):
    container = installation(with_targets(settings, http_target(), backoff={"first_seconds": 10}))
    receipt_no = submit_certificate(container)
    decide(container, receipt_no)
    worker = container.handoff.worker
    worker.adapters["erp"] = adapter = Recorder(DeliveryFailed("HTTP 503"), "ERP-9")
    now = datetime.now(UTC) + timedelta(seconds=1)

    report = worker.run_once(now)
    assert (report.delivered, len(report.retried)) == ([], 1)
    [row] = rows(container)
    assert (row.state, row.attempts, row.last_error) == ("pending", 1, "HTTP 503")
    assert worker.run_once(now + timedelta(seconds=9)).retried == []  # backing off

    report = worker.run_once(now + timedelta(seconds=10))
    assert report.delivered == [row.id]
    [row] = rows(container)
    assert (row.state, row.attempts, row.acknowledgement, row.last_error) == (
        "done",
        2,
        "ERP-9",
        None,
    )
    assert row.delivered_at is not None
    assert {p.delivery_id for p in adapter.packages} == {row.id}
    assert worker.run_once(now + timedelta(days=1)).delivered == []  # never again
    with container.db.session() as session:
        trail = session.scalars(select(AuditEntry).where(AuditEntry.action == "handoff")).all()
        assert [(e.actor, e.receipt_no, e.detail["acknowledgement"]) for e in trail] == [
            ("system:handoff", receipt_no, "ERP-9")
        ]


def test_a_target_no_longer_configured_waits_with_an_error(settings, tmp_path):
    container = installation(with_targets(settings, http_target()))
    decide(container, submit_certificate(container))
    container.handoff.worker.adapters.clear()
    container.handoff.worker.run_once(datetime.now(UTC) + timedelta(seconds=1))
    [row] = rows(container)
    assert row.state == "pending" and "not configured" in (row.last_error or "")


def test_a_purged_submission_fails_at_once(settings, tmp_path):
    container = installation(with_targets(settings, http_target()))
    receipt_no = submit_certificate(container)
    decide(container, receipt_no)
    with container.db.session() as session:
        row = session.scalar(select(Submission).where(Submission.receipt_no == receipt_no))
        row.purged_at = datetime.now(UTC)
    worker = container.handoff.worker
    worker.adapters["erp"] = adapter = Recorder()
    worker.run_once(datetime.now(UTC) + timedelta(seconds=1))
    [row] = rows(container)
    assert row.state == "failed" and "purged" in (row.last_error or "")
    assert adapter.packages == []


def test_staff_see_and_redeliver_the_rows(settings, tmp_path):
    container = installation(with_targets(settings, http_target()))
    receipt_no = submit_certificate(container)
    decide(container, receipt_no)
    worker = container.handoff.worker
    worker.adapters["erp"] = Recorder("ERP-1", "ERP-1")
    now = datetime.now(UTC) + timedelta(seconds=1)
    worker.run_once(now)

    [shown] = container.review.detail(receipt_no, REVIEWER)["deliveries"]
    assert {k: shown[k] for k in ("target", "event", "state", "attempts", "acknowledgement")} == {
        "target": "erp",
        "event": "approved",
        "state": "done",
        "attempts": 1,
        "acknowledgement": "ERP-1",
    }
    assert shown["delivered_at"] and shown["last_error"] is None
    with pytest.raises(LookupError):
        container.review.redeliver("MW-OTHER", shown["id"], REVIEWER)
    with pytest.raises(LookupError):
        container.review.redeliver(receipt_no, shown["id"] + 100, REVIEWER)

    again = container.review.redeliver(receipt_no, shown["id"], REVIEWER)
    assert (again["state"], again["attempts"]) == ("pending", 0)
    assert worker.run_once(datetime.now(UTC) + timedelta(seconds=1)).delivered == [shown["id"]]
    with container.db.session() as session:
        count = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "redeliver")
        )
    assert count == 1
