"""The app's implementations of the actions' ports."""

from __future__ import annotations

from typing import Any

from actions.ports import Correction, PetitionStatus, SubmissionDraft
from server.links import StatusLinks
from server.store.repositories import CallbackRepository, SubmissionRepository


class Petitions:
    def __init__(
        self, submissions: SubmissionRepository, links: StatusLinks, callbacks: CallbackRepository
    ) -> None:
        self._submissions = submissions
        self._links = links
        self._callbacks = callbacks

    def submit(self, draft: SubmissionDraft) -> str:
        return self._submissions.submit(draft).receipt_no

    def status_url(self, receipt_no: str) -> str:
        return self._links.url(receipt_no)

    def status(self, receipt_no: str) -> PetitionStatus | None:
        found = self._submissions.get(receipt_no)
        if found is None:
            return None
        return PetitionStatus(found.receipt_no, found.petition_id, found.status, found.submitted_at)

    def correction(self, receipt_no: str) -> Correction | None:
        found = self._submissions.get(receipt_no)
        if found is None or found.status != "returned":
            return None
        return Correction(found.receipt_no, found.petition_id, found.fields, found.field_comments)

    def resubmit(self, receipt_no: str, fields: dict[str, Any], transcript: list[Any]) -> None:
        self._submissions.resubmit(receipt_no, fields, transcript)

    def request_callback(
        self, conversation_id: str, phone: str, language: str, petition_id: str | None
    ) -> None:
        self._callbacks.add(conversation_id, phone, language, petition_id)
