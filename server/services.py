"""The app's implementations of the actions' ports."""

from __future__ import annotations

from actions.ports import PetitionStatus, SubmissionDraft
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

    def request_callback(
        self, conversation_id: str, phone: str, language: str, petition_id: str | None
    ) -> None:
        self._callbacks.add(conversation_id, phone, language, petition_id)
