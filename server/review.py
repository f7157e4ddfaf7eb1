"""The review desk's core: the queue, a submission as staff see it, reveals and decisions, each
recorded in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from forms.catalog import Catalog
from forms.fields import display
from server.audit import AuditLog
from server.documents import submission_html, submission_pdf
from server.pii import Vault
from server.staff import StaffIdentity
from server.store.repositories import DECISIONS, SubmissionRepository, SubmissionView


class DecisionError(ValueError):
    pass


@dataclass(frozen=True)
class Decision:
    decision: str
    reason: str | None
    field_comments: dict[str, str]


class ReviewDesk:
    def __init__(
        self, submissions: SubmissionRepository, catalog: Catalog, vault: Vault, audit: AuditLog
    ) -> None:
        self.submissions = submissions
        self.catalog = catalog
        self.vault = vault
        self.audit = audit

    def queue(self, **filters: Any) -> list[SubmissionView]:
        return self.submissions.list(**filters)

    def todo(self) -> dict[str, int]:
        counts = self.submissions.counts_by_status()
        return {
            status: counts.get(status, 0)
            for status in ("submitted", "resubmitted", "returned", "approved", "rejected")
        }

    def get(self, receipt_no: str) -> SubmissionView:
        submission = self.submissions.get(receipt_no)
        if submission is None:
            raise LookupError(receipt_no)
        return submission

    def detail(self, receipt_no: str, staff: StaffIdentity) -> dict[str, Any]:
        """The submission with identifiers masked (reveal them one by one), the transcript with
        tokens masked, and its audit trail."""
        submission = self.get(receipt_no)
        petition = self.catalog.petition(submission.petition_id)
        fields = {}
        for field in petition.fields:
            if field.id not in submission.fields:
                continue
            value = submission.fields[field.id]
            if field.pii == "identifier" and value:
                value = self.vault.masked(str(value))
            fields[field.id] = {
                "label": field.official_label,
                "value": display(field, value, "ko"),
                "identifier": field.pii == "identifier",
                "comment": submission.field_comments.get(field.id),
            }
        self.audit.record(staff.username, "view", receipt_no)
        return {
            "receipt_no": submission.receipt_no,
            "petition": submission.petition_id,
            "title": petition.title("ko"),
            "status": submission.status,
            "language": submission.language,
            "channel": submission.channel,
            "submitted_at": submission.submitted_at.isoformat(),
            "updated_at": submission.updated_at.isoformat(),
            "fields": fields,
            "warnings": submission.warnings,
            "decision_reason": submission.decision_reason,
            "field_comments": submission.field_comments,
            "transcript": [
                {**line, "text": self.vault.mask_tokens(str(line.get("text", "")))}
                for line in submission.transcript
            ],
            "audit": [
                {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "detail": e.detail}
                for e in self.audit.for_receipt(receipt_no)
            ],
        }

    def reveal(self, receipt_no: str, field_id: str, staff: StaffIdentity) -> str:
        submission = self.get(receipt_no)
        petition = self.catalog.petition(submission.petition_id)
        field = petition.field(field_id)
        token = submission.fields.get(field_id)
        if field.pii != "identifier" or not token:
            raise LookupError(field_id)
        self.audit.record(staff.username, "reveal", receipt_no, field=field_id)
        return self.vault.reveal(str(token)) or ""

    def document(self, receipt_no: str, staff: StaffIdentity, kind: str) -> str | bytes:
        """The staff copy (identifiers whole): viewing it counts as a reveal."""
        submission = self.get(receipt_no)
        self.audit.record(staff.username, "document", receipt_no, format=kind)
        if kind == "pdf":
            return submission_pdf(submission, self.catalog, self.vault, "staff")
        return submission_html(submission, self.catalog, self.vault, "staff")

    def decide(self, receipt_no: str, decision: Decision, staff: StaffIdentity) -> SubmissionView:
        submission = self.get(receipt_no)
        petition = self.catalog.petition(submission.petition_id)
        if decision.decision not in DECISIONS:
            raise DecisionError("decision must be approve, reject or return")
        reason = (decision.reason or "").strip() or None
        comments = {k: v.strip() for k, v in decision.field_comments.items() if v and v.strip()}
        if decision.decision == "reject" and not reason:
            raise DecisionError("a rejection needs a reason")
        if decision.decision == "return":
            unknown = set(comments) - {f.id for f in petition.fields}
            if unknown:
                raise DecisionError(f"unknown fields: {', '.join(sorted(unknown))}")
            if not comments:
                raise DecisionError("a return for correction needs a comment on at least one field")
        elif comments:
            raise DecisionError("field comments go with a return for correction")
        try:
            decided = self.submissions.decide(
                receipt_no, decision.decision, reason, comments, staff.username
            )
        except ValueError as exc:
            raise DecisionError(str(exc)) from None
        self.audit.record(
            staff.username, decision.decision, receipt_no, reason=reason, fields=sorted(comments)
        )
        return decided


def parse_day(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
