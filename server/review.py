"""The review desk's core: the queue, a submission as staff see it, reveals and decisions, each
recorded in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from forms.catalog import Catalog
from forms.fields import display
from server.audit import AuditLog
from server.documents import submission_html, submission_pdf
from server.pii import Vault
from server.staff import StaffIdentity
from server.store.repositories import (
    DECISIONS,
    AttachmentRepository,
    SubmissionRepository,
    SubmissionView,
)

if TYPE_CHECKING:
    from server.handoff import Deliveries
    from server.store.deliveries import DeliveryView


class DecisionError(ValueError):
    pass


@dataclass(frozen=True)
class Decision:
    decision: str
    reason: str | None
    field_comments: dict[str, str]


class ReviewDesk:
    def __init__(
        self,
        submissions: SubmissionRepository,
        catalog: Catalog,
        vault: Vault,
        audit: AuditLog,
        attachments: AttachmentRepository,
        deliveries: Deliveries | None = None,
    ) -> None:
        self.submissions = submissions
        self.deliveries = deliveries
        self.catalog = catalog
        self.vault = vault
        self.audit = audit
        self.attachments = attachments

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
        """The submission with identifiers masked (reveal them one by one), its photos, the
        transcript with tokens masked, and its audit trail."""
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
                "warnings": self._warnings(submission.warnings.get(field.id) or []),
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
            "purged_at": submission.purged_at.isoformat() if submission.purged_at else None,
            "fields": fields,
            "attachments": [
                {
                    "id": a.id,
                    "field": field_id,
                    "content_type": a.content_type,
                    "taken_at": a.taken_at.isoformat() if a.taken_at else None,
                }
                for field_id, ids in self._photo_ids(submission).items()
                for a in self.attachments.describe(submission.conversation_id, ids)
            ],
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
            "deliveries": [
                delivery_detail(d)
                for d in (self.deliveries.for_receipt(receipt_no) if self.deliveries else [])
            ],
        }

    def _photo_ids(self, submission: SubmissionView) -> dict[str, list[str]]:
        """The attachment ids stored in the submission's photos fields, by field."""
        petition = self.catalog.petition(submission.petition_id)
        return {
            field.id: [str(i) for i in submission.fields[field.id]]
            for field in petition.fields
            if field.type == "photos" and isinstance(submission.fields.get(field.id), list)
        }

    def attachment(self, receipt_no: str, attachment_id: str) -> tuple[bytes, str]:
        """A photo of this submission: its bytes and content type (LookupError when the id is
        not one of the submission's photos)."""
        submission = self.get(receipt_no)
        ids = {i for group in self._photo_ids(submission).values() for i in group}
        found = (
            self.attachments.read(submission.conversation_id, attachment_id)
            if attachment_id in ids
            else None
        )
        if found is None:
            raise LookupError(attachment_id)
        return found

    def _warnings(self, stored: list[Any]) -> list[str]:
        """The citizen's warnings on a field, in Korean for staff (codes stored at submission)."""
        texts = []
        for warning in stored:
            if isinstance(warning, dict) and "code" in warning:
                try:
                    texts.append(
                        self.catalog.warning_text(warning["code"], "ko", **warning["params"])
                    )
                except (KeyError, IndexError):  # a code retired from the catalog since
                    texts.append(str(warning["code"]))
        return texts

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

    def redeliver(self, receipt_no: str, delivery_id: int, staff: StaffIdentity) -> dict[str, Any]:
        """Sends a hand-off again at the worker's next pass (LookupError unless the delivery
        is one of this submission's)."""
        self.get(receipt_no)
        if self.deliveries is None:
            raise LookupError(delivery_id)
        delivery = self.deliveries.redeliver(receipt_no, delivery_id, datetime.now(UTC))
        self.audit.record(
            staff.username,
            "redeliver",
            receipt_no,
            target=delivery.target,
            event=delivery.event,
            delivery=delivery.id,
        )
        return delivery_detail(delivery)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def delivery_detail(delivery: DeliveryView) -> dict[str, Any]:
    """A hand-off row as staff see it."""
    return {
        "id": delivery.id,
        "target": delivery.target,
        "event": delivery.event,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "last_error": delivery.last_error,
        "next_attempt_at": _iso(delivery.next_attempt_at) if delivery.state == "pending" else None,
        "delivered_at": _iso(delivery.delivered_at),
        "acknowledgement": delivery.acknowledgement,
    }


def parse_day(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
