"""The hand-off package (schema ``minwon.handoff/1``, docs/handoff/): one decided submission as
the city's back-office system receives it — a JSON document with the field values as on the
staff copy (identifiers whole: it goes to the city's own system), the warnings, the staff copy
PDF and the photos, each with its sha256.

``PackageBuilder.source`` reads what a submission contributes (the slow part: the PDF), and
``package_document`` assembles the document for one delivery from it without I/O.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from forms.catalog import Catalog
from forms.document import printed_values
from server.documents import document_values, submission_pdf
from server.pii import Vault
from server.store.repositories import AttachmentRepository, SubmissionRepository, SubmissionView

SCHEMA_ID = "minwon.handoff/1"


class PackageError(Exception):
    """The package cannot be built (the submission is gone or its personal data was purged)."""


@dataclass(frozen=True)
class DeliveryRef:
    """The outbox row a package is built for."""

    id: int
    receipt_no: str
    event: str
    target: str
    decided_at: datetime


@dataclass(frozen=True)
class Photo:
    id: str
    field: str
    content_type: str
    taken_at: datetime | None  # the camera's own clock (EXIF), no zone
    data: bytes


@dataclass(frozen=True)
class PackageSource:
    """What one submission contributes to its packages (the same for every target)."""

    submission: SubmissionView
    values: dict[str, Any]  # as on the staff copy: identifiers whole
    pdf: bytes
    photos: list[Photo]


@dataclass(frozen=True)
class Package:
    delivery_id: int
    receipt_no: str
    event: str
    body: bytes  # the JSON document, UTF-8: exactly what is signed and sent
    pdf: bytes


def utc_iso(moment: datetime) -> str:
    """A stored moment (naive means UTC) as ISO 8601 with its offset."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def package_document(
    delivery: DeliveryRef, source: PackageSource, catalog: Catalog
) -> dict[str, Any]:
    """The JSON document of docs/handoff/minwon.handoff-1.schema.json."""
    submission = source.submission
    petition = catalog.petition(submission.petition_id)
    printed = printed_values(petition, source.values, "staff")
    fields = {
        field.id: {
            "label": field.official_label,
            "type": field.type,
            "personal": field.pii,
            "value": source.values.get(field.id),
            "text": printed[field.id],
        }
        for field in petition.active_fields(source.values)
        if field.id in source.values
    }
    warnings = []
    for field_id, stored in submission.warnings.items():
        for warning in stored or []:
            if not isinstance(warning, dict) or "code" not in warning:
                continue
            try:
                text = catalog.warning_text(warning["code"], "ko", **(warning.get("params") or {}))
            except (KeyError, IndexError):  # a code retired from the catalog since
                text = str(warning["code"])
            warnings.append({"field": field_id, "code": str(warning["code"]), "text": text})
    return {
        "schema": SCHEMA_ID,
        "delivery_id": delivery.id,
        "receipt_no": submission.receipt_no,
        "event": delivery.event,
        "petition": {"id": petition.id, "title": petition.title("ko")},
        "decided_at": utc_iso(delivery.decided_at),
        "decided_by": submission.decided_by,
        "decision_reason": submission.decision_reason,
        "language": submission.language,
        "channel": submission.channel,
        "submitted_at": utc_iso(submission.submitted_at),
        "fields": fields,
        "warnings": warnings,
        "document": {
            "filename": f"{submission.receipt_no}.pdf",
            "content_type": "application/pdf",
            "copy": "staff",
            "sha256": _sha256(source.pdf),
            "data": _b64(source.pdf),
        },
        "photos": [
            {
                "id": photo.id,
                "field": photo.field,
                "content_type": photo.content_type,
                "taken_at": photo.taken_at.isoformat() if photo.taken_at else None,
                "sha256": _sha256(photo.data),
                "data": _b64(photo.data),
            }
            for photo in source.photos
        ],
    }


def encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class PackageBuilder:
    def __init__(
        self,
        submissions: SubmissionRepository,
        catalog: Catalog,
        vault: Vault,
        attachments: AttachmentRepository,
    ) -> None:
        self.submissions = submissions
        self.catalog = catalog
        self.vault = vault
        self.attachments = attachments

    def source(self, receipt_no: str) -> PackageSource:
        submission = self.submissions.get(receipt_no)
        if submission is None:
            raise PackageError(f"submission {receipt_no} not found")
        if submission.purged_at is not None:
            raise PackageError(f"submission {receipt_no}: personal data purged (retention)")
        # As on the staff copy: identifiers whole, also those typed into free text.
        values = document_values(submission, self.catalog, self.vault, "staff")
        pdf = submission_pdf(submission, self.catalog, self.vault, "staff")
        return PackageSource(submission, values, pdf, self._photos(submission))

    def _photos(self, submission: SubmissionView) -> list[Photo]:
        petition = self.catalog.petition(submission.petition_id)
        photos = []
        for field in petition.fields:
            ids = submission.fields.get(field.id)
            if field.type != "photos" or not isinstance(ids, list):
                continue
            infos = self.attachments.describe(submission.conversation_id, [str(i) for i in ids])
            for info in infos:
                found = self.attachments.read(submission.conversation_id, info.id)
                if found is None:
                    raise PackageError(f"submission {submission.receipt_no}: photo {info.id} gone")
                data, content_type = found
                photos.append(Photo(info.id, field.id, content_type, info.taken_at, data))
        return photos

    def package(self, delivery: DeliveryRef, source: PackageSource) -> Package:
        body = encode(package_document(delivery, source, self.catalog))
        return Package(delivery.id, delivery.receipt_no, delivery.event, body, source.pdf)

    def build(self, delivery: DeliveryRef) -> Package:
        return self.package(delivery, self.source(delivery.receipt_no))
